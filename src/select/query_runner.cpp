#include "vl/select/query_runner.h"

#include <algorithm>
#include <mutex>
#include <queue>

#include "vl/common/time_util.h"
#include "vl/logsql/executor.h"

namespace vl::select {

namespace {

// Keeps the `limit` rows with the largest _time seen so far; emits them oldest first.
class NewestRowsSink : public logsql::ResultSink {
 public:
  explicit NewestRowsSink(uint64_t limit) : limit_(limit) {}

  bool Write(const logsql::ResultBlock& block) override {
    const logsql::ResultColumn* time_col = nullptr;
    for (const auto& c : block.columns) {
      if (c.name == "_time") time_col = &c;
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t row = 0; row < block.rows; ++row) {
      int64_t ts = INT64_MIN;
      if (time_col != nullptr) ParseRFC3339(time_col->values[row], &ts);
      if (heap_.size() == limit_ && ts <= heap_.top().ts) continue;
      Row r;
      r.ts = ts;
      r.seq = seq_++;
      r.fields.reserve(block.columns.size());
      for (const auto& c : block.columns) r.fields.emplace_back(c.name, c.values[row]);
      heap_.push(std::move(r));
      if (heap_.size() > limit_) heap_.pop();
    }
    return true;
  }

  // Sends the kept rows to `out` in ascending time order, one row per block.
  bool Emit(logsql::ResultSink& out) {
    std::vector<Row> rows;
    rows.reserve(heap_.size());
    while (!heap_.empty()) {
      rows.push_back(std::move(const_cast<Row&>(heap_.top())));
      heap_.pop();
    }
    std::reverse(rows.begin(), rows.end());
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return a.ts != b.ts ? a.ts < b.ts : a.seq < b.seq;
    });
    for (auto& r : rows) {
      logsql::ResultBlock block;
      block.rows = 1;
      for (auto& [name, value] : r.fields) block.columns.push_back({std::move(name), {std::move(value)}});
      if (!out.Write(block)) return false;
    }
    return true;
  }

 private:
  struct Row {
    int64_t ts;
    uint64_t seq;
    std::vector<std::pair<std::string, std::string>> fields;
  };
  struct NewerFirst {  // min-heap on time: the top is the oldest kept row
    bool operator()(const Row& a, const Row& b) const { return a.ts > b.ts; }
  };

  uint64_t limit_;
  uint64_t seq_ = 0;
  std::mutex mu_;
  std::priority_queue<Row, std::vector<Row>, NewerFirst> heap_;
};

}  // namespace

Status LocalBackend::Execute(const QueryContext& ctx, const logsql::Query& query, logsql::ResultSink& sink,
                             const std::atomic<bool>* cancelled) {
  return logsql::ExecuteQuery(data_, ctx.tenant, query, sink, cancelled);
}

Status RunQuery(const Searchable& data, const QueryRequest& request, logsql::ResultSink& sink,
                const std::atomic<bool>* cancelled) {
  LocalBackend local(data);
  return RunQuery(local, request, sink, cancelled);
}

Status RunQuery(QueryBackend& backend, const QueryRequest& request, logsql::ResultSink& sink,
                const std::atomic<bool>* cancelled) {
  QueryContext ctx;
  ctx.tenant = request.tenant;
  ctx.now_ns = request.now_ns;
  ctx.allow_partial = request.allow_partial;
  ctx.on_partial = request.on_partial;
  if (request.query.empty()) return Status::InvalidArgument("missing `query` arg");
  auto parsed = logsql::ParseQuery(request.query, request.now_ns);
  if (!parsed.ok()) return parsed.status();
  logsql::Query& query = **parsed;
  if (request.start || request.end) {
    query.AddTimeRange(request.start.value_or(INT64_MIN), request.end.value_or(INT64_MAX));
  }
  if (request.limit == 0) return backend.Execute(ctx, query, sink, cancelled);
  if (!query.CanReturnLastNRows()) {
    query.AppendLimit(request.limit);
    return backend.Execute(ctx, query, sink, cancelled);
  }
  NewestRowsSink newest(request.limit);
  VL_RETURN_IF_ERROR(backend.Execute(ctx, query, newest, cancelled));
  newest.Emit(sink);
  return Status::OK();
}

}  // namespace vl::select
