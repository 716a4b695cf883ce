// `/insert/journald/upload`: the systemd journal export format, as `systemd-journal-upload`
// sends it (its URL is set to `http://host:9428/insert/journald`; it appends `/upload`).
//
// Entries are separated by an empty line. A field is `NAME=value\n`, or, for values holding
// newlines or binary data, `NAME\n` + 64-bit little-endian size + the bytes + `\n`. The body is
// streamed: `systemd-journal-upload --follow` sends one endless request, so entries are stored
// as they complete (the driver commits them in batches) and -journald.maxRequestSize is not a
// limit (VictoriaLogs deprecated it for the same reason).
//
// Mapping, as VictoriaLogs does it: `MESSAGE` is the `_msg`; `PRIORITY` also yields `level`
// (emerg ... debug); the time is -journald.timeField (µs, default __REALTIME_TIMESTAMP) unless
// the request names `_time_field`, and now when it is missing or unparsable; fields starting
// with `__` (cursor, monotonic time) are dropped unless -journald.includeEntryMetadata. A field
// whose name is not `[A-Z_][A-Z0-9_]*` of at most 64 bytes is skipped and logged, its entry kept.
//
// Memory bound (ours; VictoriaLogs buffers a binary value of any announced size): an entry is one
// log row, so like a jsonline line it may hold at most -insert.maxLineSizeBytes of names and
// values. A bigger entry (a long field line, a binary field announcing a bigger size, or many
// fields) is skipped whole and counted as a too-long line: its remaining bytes are read for
// framing only, never kept, so a hostile size such as 2^60 costs no memory.
//
// A framing error (binary value not followed by a newline, body ending inside a binary field)
// fails the request with 400; entries completed before it are still stored. A last entry without
// its closing empty line is stored, as VictoriaLogs does.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

#include "vl/common/time_util.h"
#include "vl/insert/counting_parser.h"
#include "vl/insert/protocols.h"

namespace vl::insert {

namespace {

constexpr std::string_view kPath = "/insert/journald/upload";
constexpr std::string_view kContentType = "application/vnd.fdo.journal";
constexpr size_t kMaxFieldNameLen = 64;  // systemd's own limit (journal-file.c)
// A skipped entry's lines are read for framing only; this much of each is kept for messages.
constexpr size_t kSkippedLineKeep = 128;
// Per-field problems (bad names, bad timestamps) are logged at ERROR as VictoriaLogs does, but at
// most this many lines per window per request: one bad shipper must not flood the log.
constexpr int kLoggedErrorsPerWindow = 10;
constexpr int64_t kLogWindowNanos = 10 * kNanosPerSecond;

bool ValidFieldName(std::string_view name) {
  if (name.empty() || name.size() > kMaxFieldNameLen) return false;
  if (!((name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_')) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// syslog priorities as the level names Grafana and VictoriaLogs use; other values stay as sent.
std::string_view PriorityLevel(std::string_view priority) {
  static constexpr std::string_view kLevels[] = {"emerg",   "alert",  "critical", "error",
                                                 "warning", "notice", "info",     "debug"};
  if (priority.size() == 1 && priority[0] >= '0' && priority[0] <= '7') return kLevels[priority[0] - '0'];
  return priority;
}

// Microseconds since the epoch → nanoseconds; false when not a decimal integer or out of range.
bool ParseMicros(std::string_view s, int64_t* ns) {
  int64_t us = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), us);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
  if (us > kMax || us < -kMax) return false;
  *ns = us * 1000;
  return true;
}

// For messages: at most 100 bytes of `s`, quoted, bytes other than printable ASCII as \xNN (names
// and values of bad input may be anything).
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s.substr(0, 100)) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out + (s.size() > 100 ? "...\"" : "\"");
}

class JournaldParser : public CountingParser {
 public:
  JournaldParser(CommonParams params, RowWriter* sink, const ParserOptions& options, const RequestInfo& request)
      : CountingParser(sink, options.max_kept_errors), options_(options) {
    // The time field holds microseconds, which RowBuilder's timestamp formats do not cover, so
    // this parser reads it and the builder looks for none. CommonParams cannot tell an explicit
    // `_time_field=_time` from the default; no journald name is `_time` anyway.
    const bool time_field_set = params.time_fields != std::vector<std::string>{"_time"};
    time_fields_ = time_field_set ? params.time_fields : std::vector<std::string>{options.settings.journald_time_field};
    params.time_fields.clear();
    params.msg_fields = {"MESSAGE"};  // whatever _msg_field says, as in VictoriaLogs
    const ProtocolSettings& s = options.settings;
    if (params.tenant == TenantID{}) params.tenant = s.journald_tenant;
    if (params.stream_fields.empty()) params.stream_fields = s.journald_stream_fields;
    if (params.ignore_fields.empty()) params.ignore_fields = s.journald_ignore_fields;
    builder_.emplace(std::move(params), options.row_options);

    const std::string_view type = request.header("Content-Type");
    if (type.substr(0, type.find(';')) != kContentType) {
      error_ = Status::InvalidArgument("journald upload needs Content-Type: " + std::string(kContentType) + ", got " +
                                       Quoted(type));
    }
  }

  Status Feed(std::string_view chunk) override {
    while (error_.ok() && !chunk.empty()) {
      switch (state_) {
        case State::kLine: ReadLine(chunk); break;
        case State::kSize: ReadSize(chunk); break;
        case State::kBinary: ReadBinary(chunk); break;
        case State::kBinaryEnd:
          if (chunk[0] != '\n') {
            error_ = Status::InvalidArgument("entry " + std::to_string(entry_no()) + ": binary field " +
                                             Quoted(binary_name_) + " of " + std::to_string(binary_size_) +
                                             " bytes is not followed by a newline (wrong size?)");
            break;
          }
          chunk.remove_prefix(1);
          EndBinaryField();
          break;
      }
    }
    return error_;
  }

  Status Finish() override {
    if (!error_.ok()) return error_;
    if (state_ == State::kLine && line_len_ > 0 && !line_has_eq_) {  // `NAME` at the end: no size follows
      binary_name_ = line_.substr(0, kSkippedLineKeep);
      state_ = State::kSize;
    }
    if (state_ != State::kLine) {
      const uint64_t got = state_ == State::kSize ? 0 : binary_size_ - binary_left_;
      error_ = Status::InvalidArgument("entry " + std::to_string(entry_no()) + ": the body ends inside binary field " +
                                       Quoted(binary_name_) + " (" + std::to_string(got) + " bytes of its value read)");
      return error_;
    }
    if (line_len_ > 0) EndOfLine(line_, true);  // a last field without its newline
    EndOfEntry();                                // nor the empty line closing the entry
    if (suppressed_logs_ > 0) {
      spdlog::error("{}: {} more errors of this request were not logged", kPath, suppressed_logs_);
    }
    return Status::OK();
  }


 private:
  enum class State { kLine, kSize, kBinary, kBinaryEnd };
  // A field of the current entry: offsets into entry_buf_.
  struct Span {
    size_t name_off, name_len, value_off, value_len;
  };

  uint64_t entry_no() const { return entries_done_ + 1; }  // 1-based number of the entry being read

  void ReadLine(std::string_view& chunk) {
    const char* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
    const std::string_view part = chunk.substr(0, nl ? static_cast<size_t>(nl - chunk.data()) : chunk.size());
    chunk.remove_prefix(nl ? part.size() + 1 : part.size());
    if (nl && line_len_ == 0) {  // the whole line is in this chunk: no copy
      EndOfLine(part, part.find('=') != std::string_view::npos);
      return;
    }
    const size_t keep = skipping_ ? kSkippedLineKeep : options_.max_line_size;
    line_.append(part.substr(0, keep > line_.size() ? keep - line_.size() : 0));
    line_len_ += part.size();
    line_has_eq_ = line_has_eq_ || part.find('=') != std::string_view::npos;
    if (line_len_ > options_.max_line_size) SkipEntry("a field line is longer");
    if (nl) {
      EndOfLine(line_, line_has_eq_);
      line_.clear();
      line_len_ = 0;
      line_has_eq_ = false;
    }
  }

  void EndOfLine(std::string_view line, bool has_eq) {
    if (line.empty() && line_len_ == 0) return EndOfEntry();
    entry_started_ = true;
    if (!has_eq) {  // `NAME` alone: its value's size and bytes follow
      binary_name_.assign(line.substr(0, kSkippedLineKeep));
      size_got_ = 0;
      state_ = State::kSize;
      return;
    }
    if (skipping_) return;
    const size_t eq = line.find('=');  // within the kept text: a longer line skipped the entry
    const std::string_view name = line.substr(0, eq);
    if (!CheckName(name)) return;
    const std::string_view value = line.substr(eq + 1);
    if (!Fits(name.size() + value.size(), name)) return;
    const size_t name_off = entry_buf_.size();
    entry_buf_.append(name).append(value);
    fields_.push_back(Span{name_off, name.size(), name_off + name.size(), value.size()});
  }

  void ReadSize(std::string_view& chunk) {
    const size_t take = std::min(sizeof(size_bytes_) - size_got_, chunk.size());
    std::memcpy(size_bytes_ + size_got_, chunk.data(), take);
    size_got_ += take;
    chunk.remove_prefix(take);
    if (size_got_ < sizeof(size_bytes_)) return;
    binary_size_ = 0;
    for (int i = 7; i >= 0; --i) binary_size_ = (binary_size_ << 8) | size_bytes_[i];
    binary_left_ = binary_size_;
    keep_binary_ = !skipping_ && CheckName(binary_name_) && Fits(binary_name_.size() + binary_size_, binary_name_);
    if (keep_binary_) {
      binary_off_ = entry_buf_.size();
      entry_buf_.append(binary_name_);
    }
    state_ = binary_left_ == 0 ? State::kBinaryEnd : State::kBinary;
  }

  void ReadBinary(std::string_view& chunk) {
    const size_t take = static_cast<size_t>(std::min<uint64_t>(binary_left_, chunk.size()));
    if (keep_binary_) entry_buf_.append(chunk.data(), take);
    binary_left_ -= take;
    chunk.remove_prefix(take);
    if (binary_left_ == 0) state_ = State::kBinaryEnd;
  }

  void EndBinaryField() {
    state_ = State::kLine;
    // A too-big entry detected inside this value has dropped entry_buf_ already.
    if (!keep_binary_ || skipping_) return;
    const size_t name_len = binary_name_.size();
    fields_.push_back(Span{binary_off_, name_len, binary_off_ + name_len, entry_buf_.size() - binary_off_ - name_len});
  }

  // False (and the field is skipped with an ERROR log, its entry kept) for a name journald
  // itself would not write.
  bool CheckName(std::string_view name) {
    if (ValidFieldName(name)) return true;
    LogError("entry " + std::to_string(entry_no()) + ": skipping field " + Quoted(name) +
             ": a field name must match [A-Z_][A-Z0-9_]* and be at most " + std::to_string(kMaxFieldNameLen) +
             " bytes");
    return false;
  }

  // False (and the entry is skipped) when `bytes` more would make the entry too big.
  bool Fits(uint64_t bytes, std::string_view name) {
    if (bytes <= options_.max_line_size - std::min(entry_buf_.size(), options_.max_line_size)) return true;
    SkipEntry("at field " + Quoted(name));
    return false;
  }

  void SkipEntry(const std::string& why) {
    if (skipping_) return;
    skipping_ = true;
    CountTooLong();
    Fail("journald entry " + std::to_string(entry_no()) + " is bigger than -insert.maxLineSizeBytes=" +
         std::to_string(options_.max_line_size) + " (" + why + "); skipped");
    entry_buf_.clear();
    fields_.clear();
    if (line_.size() > kSkippedLineKeep) line_.resize(kSkippedLineKeep);
  }

  void EndOfEntry() {
    if (!entry_started_) return;  // blank lines between entries
    if (!skipping_) StoreEntry();
    entry_started_ = skipping_ = false;
    entry_buf_.clear();
    fields_.clear();
    ++entries_done_;
  }

  void StoreEntry() {
    int64_t ts = 0;
    row_fields_.clear();
    for (const Span& span : fields_) {
      const std::string_view name(entry_buf_.data() + span.name_off, span.name_len);
      const std::string_view value(entry_buf_.data() + span.value_off, span.value_len);
      if (std::find(time_fields_.begin(), time_fields_.end(), name) != time_fields_.end()) {
        if (!ParseMicros(value, &ts)) {
          LogError("entry " + std::to_string(entry_no()) + ": cannot parse " + std::string(name) + "=" +
                   Quoted(value) + " as microseconds since the epoch; using the current time");
          ts = 0;
        }
        continue;
      }
      if (name == "PRIORITY") row_fields_.push_back(FieldView{"level", PriorityLevel(value)});
      if (name.starts_with("__") && !options_.settings.journald_include_entry_metadata) continue;
      row_fields_.push_back(FieldView{name, value});
    }
    if (row_fields_.empty()) return;  // nothing but metadata: VictoriaLogs stores no row either
    Status s = AppendRow(*builder_, row_fields_, ts != 0 ? ts : NowNanos(),
                         [&] { return "journald entry " + std::to_string(entry_no()); });
    if (!s.ok()) Fail("journald entry " + std::to_string(entry_no()) + ": " + s.message());
  }

  void Fail(std::string reason) { AddError(entry_no(), std::move(reason)); }

  void LogError(const std::string& message) {
    const int64_t now = NowNanos();
    if (now - log_window_start_ >= kLogWindowNanos) {
      if (suppressed_logs_ > 0) spdlog::error("{}: {} more errors were not logged", kPath, suppressed_logs_);
      log_window_start_ = now;
      logged_in_window_ = 0;
      suppressed_logs_ = 0;
    }
    if (logged_in_window_ < kLoggedErrorsPerWindow) {
      ++logged_in_window_;
      spdlog::error("{}: {}", kPath, message);
    } else {
      ++suppressed_logs_;
    }
  }

  ParserOptions options_;
  std::optional<RowBuilder> builder_;
  std::vector<std::string> time_fields_;
  Status error_;  // sticky: a wrong Content-Type or a framing error

  State state_ = State::kLine;
  std::string line_;         // the field line being read when it spans chunks (maybe only its start)
  size_t line_len_ = 0;      // its full length so far
  bool line_has_eq_ = false;
  std::string binary_name_;  // the binary field being read
  unsigned char size_bytes_[8];
  size_t size_got_ = 0;
  uint64_t binary_size_ = 0, binary_left_ = 0;
  bool keep_binary_ = false;  // false: its bytes are read and dropped
  size_t binary_off_ = 0;     // where its name starts in entry_buf_

  bool entry_started_ = false;
  bool skipping_ = false;  // the entry is too big: framing is followed, bytes dropped
  std::string entry_buf_;  // the entry's names and values
  std::vector<Span> fields_;
  std::vector<FieldView> row_fields_;

  uint64_t entries_done_ = 0;
  int64_t log_window_start_ = 0;
  int logged_in_window_ = 0;
  uint64_t suppressed_logs_ = 0;
};

}  // namespace

std::unique_ptr<BodyParser> MakeJournaldParser(CommonParams params, RowWriter* sink, const ParserOptions& options,
                                               const RequestInfo& request) {
  return std::make_unique<JournaldParser>(std::move(params), sink, options, request);
}

}  // namespace vl::insert
