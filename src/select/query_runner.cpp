#include "vl/select/query_runner.h"

#include <algorithm>
#include <mutex>

#include "vl/logsql/executor.h"

namespace vl::select {

namespace {

// Holds the rows of a newest-first result and replays them oldest first.
class ReversingSink : public logsql::ResultSink {
 public:
  bool Write(const logsql::ResultBlock& block) override {
    std::lock_guard<std::mutex> lock(mu_);
    blocks_.push_back(block);
    return true;
  }

  void Emit(logsql::ResultSink& out) {
    for (auto it = blocks_.rbegin(); it != blocks_.rend(); ++it) {
      for (auto& column : it->columns) column = column.Reversed();
      if (!out.Write(*it)) return;
    }
  }

 private:
  std::mutex mu_;
  std::vector<logsql::ResultBlock> blocks_;
};

}  // namespace

Status LocalBackend::Execute(const QueryContext& ctx, const logsql::Query& query, logsql::ResultSink& sink,
                             const std::atomic<bool>* cancelled) {
  return logsql::ExecuteQuery(data_, ctx.tenant, query, sink, cancelled);
}

std::function<Status(std::unique_ptr<logsql::Query>*)> KeepFiltersThen(std::string pipes, int64_t now_ns) {
  return [pipes = std::move(pipes), now_ns](std::unique_ptr<logsql::Query>* query) -> Status {
    auto rewritten = logsql::ParseQuery((*query)->CloneWithoutPipes()->ToString() + " | " + pipes, now_ns);
    if (!rewritten.ok()) return rewritten.status();
    *query = std::move(rewritten.value());
    return Status::OK();
  };
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
  std::unique_ptr<logsql::Query> owned = std::move(parsed.value());
  if (request.start || request.end) {
    owned->AddTimeRange(request.start.value_or(INT64_MIN), request.end.value_or(INT64_MAX));
  }
  for (const auto& text : request.extra_filters) {
    auto extra = logsql::ParseQuery(text, request.now_ns);
    if (!extra.ok()) return Status::InvalidArgument("cannot parse extra filter [" + text + "]: " + extra.status().message());
    if (!(*extra)->pipes().empty()) return Status::InvalidArgument("extra filter [" + text + "] must not contain pipes");
    owned->AddExtraFilter((*extra)->filter());
  }
  if (request.rewrite) VL_RETURN_IF_ERROR(request.rewrite(&owned));
  logsql::Query& query = *owned;
  if (request.limit == 0) return backend.Execute(ctx, query, sink, cancelled);
  if (!query.CanReturnLastNRows()) {
    query.AppendLimit(request.limit);
    return backend.Execute(ctx, query, sink, cancelled);
  }
  // The N newest rows, oldest first: a top-N sort by time (which skips blocks that cannot make
  // the cut) whose output is then replayed in reverse.
  auto newest = logsql::ParseQuery(
      query.ToString() + " | sort by (_time desc) limit " + std::to_string(request.limit), request.now_ns);
  if (!newest.ok()) return newest.status();
  ReversingSink reversed;
  VL_RETURN_IF_ERROR(backend.Execute(ctx, **newest, reversed, cancelled));
  reversed.Emit(sink);
  return Status::OK();
}

}  // namespace vl::select
