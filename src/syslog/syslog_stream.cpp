#include "vl/syslog/syslog_stream.h"

#include <spdlog/spdlog.h>

#include "vl/common/time_util.h"
#include "vl/insert/row_limits.h"

namespace vl::syslog {

namespace {

// More length digits than this is not an octet count (RFC 6587 lengths fit easily).
constexpr size_t kMaxLengthDigits = 10;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

insert::CommonParams ParamsFor(const StreamOptions& o) {
  insert::CommonParams p;
  p.tenant = o.tenant;
  p.msg_fields = {"message"};
  // With -syslog.useLocalTimestamp the arrival time is _time and the message's own stamp is
  // kept as the `timestamp` field, as VictoriaLogs does.
  p.time_fields = o.use_local_timestamp ? std::vector<std::string>{} : std::vector<std::string>{"timestamp"};
  p.stream_fields = o.stream_fields;
  p.ignore_fields = o.ignore_fields;
  p.decolorize_fields = o.decolorize_fields;
  p.extra_fields = o.extra_fields;
  return p;
}

}  // namespace

SyslogStream::SyslogStream(const StreamOptions& options, insert::RowWriter* sink)
    : options_(options), sink_(sink), builder_(ParamsFor(options), options.row_options) {}

void SyslogStream::Feed(std::string_view data) {
  size_t i = 0;
  while (i < data.size()) {
    switch (state_) {
      case State::kStart: {
        const char c = data[i];
        if (c == '\n' || c == '\r') {
          ++i;
          continue;
        }
        pending_.clear();
        state_ = IsDigit(c) ? State::kLength : State::kLine;
        break;
      }
      case State::kLength: {
        const char c = data[i];
        if (IsDigit(c) && pending_.size() < kMaxLengthDigits) {
          pending_.push_back(c);
          ++i;
        } else if (c == ' ' && !pending_.empty()) {
          ++i;
          counted_left_ = std::stoull(pending_);
          counted_skip_ = counted_left_ > options_.max_message_bytes;
          pending_.clear();
          state_ = State::kCounted;
          if (counted_left_ == 0) state_ = State::kStart;
        } else {
          // Digits not followed by a space: a newline-framed message that starts with digits
          // (no PRI, a bare timestamp). The digits are its first bytes.
          state_ = State::kLine;
        }
        break;
      }
      case State::kCounted: {
        const size_t take = std::min(counted_left_, data.size() - i);
        if (!counted_skip_) pending_.append(data.substr(i, take));
        counted_left_ -= take;
        i += take;
        if (counted_left_ == 0) {
          ++message_no_;
          if (counted_skip_) {
            Skip("octet-counted message longer than -insert.maxLineSizeBytes=" +
                     std::to_string(options_.max_message_bytes),
                 true);
          } else {
            // Senders such as rsyslog end counted frames with a newline too; it is framing.
            std::string_view text = pending_;
            while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
            Message(text);
          }
          pending_.clear();
          state_ = State::kStart;
        }
        break;
      }
      case State::kLine:
      case State::kSkipLine: {
        const size_t nl = data.find('\n', i);
        const size_t end = nl == std::string_view::npos ? data.size() : nl;
        if (state_ == State::kLine) {
          pending_.append(data.substr(i, end - i));
          if (pending_.size() > options_.max_message_bytes) {
            ++message_no_;
            Skip("message longer than -insert.maxLineSizeBytes=" + std::to_string(options_.max_message_bytes), true);
            pending_.clear();
            state_ = State::kSkipLine;
          }
        }
        i = end;
        if (nl != std::string_view::npos) {
          ++i;
          if (state_ == State::kLine) {
            ++message_no_;
            if (!pending_.empty() && pending_.back() == '\r') pending_.pop_back();
            Message(pending_);
          }
          pending_.clear();
          state_ = State::kStart;
        }
        break;
      }
    }
  }
}

void SyslogStream::Finish() {
  if (state_ == State::kLine || state_ == State::kLength) {
    ++message_no_;
    Message(pending_);
  } else if (state_ == State::kCounted) {
    ++message_no_;
    Skip("the stream ended " + std::to_string(counted_left_) + " bytes before the end of an octet-counted message",
         false);
  }
  pending_.clear();
  state_ = State::kStart;
}

void SyslogStream::Message(std::string_view text) {
  if (text.empty()) return;
  const int64_t now_ns = NowNanos();
  const int64_t offset_ns = options_.timezone.OffsetAt(now_ns / kNanosPerSecond) * kNanosPerSecond;
  parser_.Parse(text, now_ns, offset_ns);
  fields_.clear();
  for (const auto& [name, value] : parser_.fields()) fields_.push_back(FieldView{name, value});
  RowView row;
  insert::RowLimit limit = insert::RowLimit::kNone;
  Status s = builder_.Build(fields_, now_ns, &row, &limit);
  if (s.ok()) {
    sink_->Append(row);
    ++ok_;
  } else if (limit != insert::RowLimit::kNone) {
    insert::ReportDroppedRow(limit, "syslog message " + std::to_string(message_no_) + ": " + s.message());
  } else {
    Skip(s.message(), false);
  }
}

void SyslogStream::Skip(std::string reason, bool too_long) {
  (too_long ? too_long_ : bad_)++;
  last_error_ = "message " + std::to_string(message_no_) + ": " + reason;
}

}  // namespace vl::syslog
