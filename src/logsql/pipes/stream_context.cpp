// `stream_context [before N] [after N] [time_window D]`: each matched row with the N rows before
// and after it in its stream (by time, within D around the matches, default 1h); touching or
// overlapping ranges join into one group, and groups are separated by a row with `_msg` "---"
// (its `_time` 1ns after the group's last row, in the same stream). It follows the filters
// directly, runs where the whole data is visible (on a router: over the cluster), and holds at
// most 100 streams of 1000 matched rows each.
#include <algorithm>
#include <map>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

constexpr size_t kMaxStreams = 100;
constexpr size_t kMaxRowsPerStream = 1000;

struct StreamMatches {
  std::string stream;             // the `_stream` text
  std::vector<int64_t> times;     // of the matched rows
};

// Every block of the context query, kept.
class KeepBlocks : public ResultSink {
 public:
  bool Write(const ResultBlock& b) override {
    blocks.push_back(b);
    return true;
  }
  std::vector<ResultBlock> blocks;
};

int64_t TimeAt(const ResultColumn& c, size_t r) {
  if (c.type() == ResultColumn::Type::kTimestamps) return c.timestamps()[r];
  int64_t t = INT64_MIN;
  ParseRFC3339(c.at(r), &t);
  return t;
}

class StreamContextProcessor : public Processor {
 public:
  StreamContextProcessor(uint64_t before, uint64_t after, int64_t window, QueryRunner runner, Processor* next,
                         QueryMemory* memory)
      : before_(before), after_(after), window_(window), runner_(std::move(runner)), next_(next), memory_(memory) {}

  bool Push(ResultBlock&& b) override {
    const ResultColumn* id = b.Find("_stream_id");
    const ResultColumn* ts = b.Find("_time");
    if (!id || !ts) {
      memory_->Fail(Status::InvalidArgument("stream_context needs the rows' _stream_id and _time: put it right after the filters"));
      return false;
    }
    const ResultColumn* st = b.Find("_stream");
    for (size_t r = 0; r < b.rows; ++r) {
      auto [it, inserted] = streams_.try_emplace(std::string(id->at(r)));
      if (inserted && streams_.size() > kMaxStreams) {
        memory_->Fail(Status::InvalidArgument("stream_context: the rows come from more than " +
                                              std::to_string(kMaxStreams) + " streams; narrow the filter"));
        return false;
      }
      if (inserted && st) it->second.stream = st->at(r);
      it->second.times.push_back(TimeAt(*ts, r));
      if (it->second.times.size() > kMaxRowsPerStream) {
        memory_->Fail(Status::InvalidArgument("stream_context: more than " + std::to_string(kMaxRowsPerStream) +
                                              " matching rows in stream " + it->first + "; narrow the filter"));
        return false;
      }
    }
    return true;
  }

  bool Flush() override {
    if (!runner_) {
      memory_->Fail(Status::Internal("stream_context has no way to read the streams"));
      return next_->Flush();
    }
    for (auto& [id, m] : streams_) {
      if (!Emit(id, m)) break;
    }
    return next_->Flush();
  }

 private:
  // Reads the stream around its matches and emits the groups.
  bool Emit(const std::string& id, StreamMatches& m) {
    std::sort(m.times.begin(), m.times.end());
    m.times.erase(std::unique(m.times.begin(), m.times.end()), m.times.end());
    std::string text = "_stream_id:" + QuoteIfNeeded(id) + " _time:[";
    AppendRFC3339Nano(m.times.front() - window_, &text);
    text += ", ";
    AppendRFC3339Nano(m.times.back() + window_, &text);
    text += "]";
    auto q = ParseQuery(text, 0);
    if (!q.ok()) {
      memory_->Fail(q.status());
      return false;
    }
    KeepBlocks rows;
    Status s = runner_(**q, rows);
    if (!s.ok()) {
      memory_->Fail(s);
      return false;
    }
    // The stream's rows in time order (ties in arrival order).
    struct RowRef {
      int64_t ts;
      uint32_t block, row;
    };
    std::vector<RowRef> all;
    for (size_t bi = 0; bi < rows.blocks.size(); ++bi) {
      const ResultColumn* ts = rows.blocks[bi].Find("_time");
      for (size_t r = 0; ts && r < rows.blocks[bi].rows; ++r) {
        all.push_back(RowRef{TimeAt(*ts, r), static_cast<uint32_t>(bi), static_cast<uint32_t>(r)});
      }
    }
    std::stable_sort(all.begin(), all.end(), [](const RowRef& a, const RowRef& b) { return a.ts < b.ts; });
    // Rows to show: [i - before, i + after] around each matched row.
    std::vector<uint8_t> show(all.size(), 0);
    for (size_t i = 0; i < all.size(); ++i) {
      if (!std::binary_search(m.times.begin(), m.times.end(), all[i].ts)) continue;
      const size_t lo = i >= before_ ? i - before_ : 0;
      const size_t hi = std::min(all.size() - 1, i + after_);
      for (size_t k = lo; k <= hi; ++k) show[k] = 1;
    }
    // Output: the groups one after another, a delimiter row after each.
    std::vector<std::string> names;
    for (const auto& b : rows.blocks) {
      for (const auto& c : b.columns) {
        if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
      }
    }
    for (const char* n : {"_time", "_stream_id", "_stream", "_msg"}) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    }
    std::vector<StringsBuilder> cols(names.size());
    size_t out_rows = 0;
    std::string delimiter_time;
    for (size_t i = 0; i < all.size();) {
      if (!show[i]) {
        ++i;
        continue;
      }
      size_t j = i;
      for (; j < all.size() && show[j]; ++j) {
        const ResultBlock& b = rows.blocks[all[j].block];
        for (size_t c = 0; c < names.size(); ++c) {
          const ResultColumn* col = b.Find(names[c]);
          cols[c].Add(col ? col->at(all[j].row) : std::string_view());
        }
        ++out_rows;
      }
      delimiter_time.clear();
      AppendRFC3339Nano(all[j - 1].ts + 1, &delimiter_time);
      for (size_t c = 0; c < names.size(); ++c) {
        const std::string& n = names[c];
        cols[c].Add(n == "_time" ? std::string_view(delimiter_time)
                    : n == "_stream_id" ? std::string_view(id)
                    : n == "_stream" ? std::string_view(m.stream)
                    : n == "_msg" ? std::string_view("---")
                    : std::string_view());
      }
      ++out_rows;
      i = j;
    }
    if (out_rows == 0) return true;
    ResultBlock out;
    out.rows = out_rows;
    for (size_t c = 0; c < names.size(); ++c) out.columns.push_back(cols[c].Build(names[c]));
    return next_->Push(std::move(out));
  }

  uint64_t before_, after_;
  int64_t window_;
  QueryRunner runner_;
  Processor* next_;
  QueryMemory* memory_;
  std::map<std::string, StreamMatches> streams_;  // by _stream_id, so streams come out in order
};

class StreamContextPipe final : public Pipe {
 public:
  StreamContextPipe(uint64_t before, uint64_t after, int64_t window, std::string window_text)
      : before_(before), after_(after), window_(window), window_text_(std::move(window_text)) {}
  std::string String() const override {
    std::string s = "stream_context";
    if (before_) s.append(" before ").append(std::to_string(before_));
    if (after_) s.append(" after ").append(std::to_string(after_));
    if (!window_text_.empty()) s += " time_window " + window_text_;
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<StreamContextPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    needed->Add("_stream_id");
    needed->Add("_stream");
    needed->Add("_time");
  }
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override {
    return std::make_unique<StreamContextProcessor>(before_, after_, window_, runner_, next, memory);
  }
  void SetQueryRunner(QueryRunner runner) override { runner_ = std::move(runner); }

 private:
  uint64_t before_, after_;
  int64_t window_;
  std::string window_text_;  // as written; empty = the default hour
  QueryRunner runner_;
};

}  // namespace

std::unique_ptr<Pipe> ParseStreamContext(parser_internal::Parser& p) {
  uint64_t before = 0, after = 0;
  int64_t window = 3600LL * 1'000'000'000;
  std::string window_text;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("before")) {
      p.Next();
      if (!p.ReadUint(&before)) return p.FailNull(p.Unexpected(), "number of rows before");
    } else if (p.Cur().IsKeyword("after")) {
      p.Next();
      if (!p.ReadUint(&after)) return p.FailNull(p.Unexpected(), "number of rows after");
    } else if (p.Cur().IsKeyword("time_window")) {
      p.Next();
      window_text = p.ReadCompound(0);
      if (!ParseDuration(window_text, &window) || window <= 0) {
        return p.FailNull("cannot parse time_window \"" + window_text + "\"", "a duration such as 1h");
      }
    } else {
      return p.FailNull(p.Unexpected(), "before, after, time_window or '|'");
    }
  }
  if (before == 0 && after == 0) return p.FailNull("stream_context needs before N or after N", "before or after");
  return std::make_unique<StreamContextPipe>(before, after, window, std::move(window_text));
}

}  // namespace vl::logsql::pipes
