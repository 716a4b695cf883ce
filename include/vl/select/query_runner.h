// /select/logsql/query semantics on top of the LogsQL engine: global time range and the
// `limit` argument (N newest rows, oldest first, for queries that do not reorder rows).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vl/common/status.h"
#include "vl/common/stream.h"
#include "vl/logsql/query.h"
#include "vl/storage/block.h"

namespace vl::select {

struct QueryRequest {
  std::string query;
  TenantID tenant;
  uint64_t limit = 0;  // 0 = no limit
  std::optional<int64_t> start;
  std::optional<int64_t> end;
  int64_t now_ns = 0;  // evaluation time for relative filters
  bool allow_partial = false;
  std::function<void()> on_partial;
  // `extra_filters` / `extra_stream_filters` as LogsQL filters, ANDed into the query and its
  // subqueries.
  std::vector<std::string> extra_filters;
  // Endpoints other than /query change the parsed query (after the time range is added) before
  // it runs: listing endpoints keep only its filters and add pipes of their own.
  std::function<Status(std::unique_ptr<logsql::Query>* query)> rewrite;
};

// Per-query settings a backend may need beyond the query itself.
struct QueryContext {
  TenantID tenant;
  int64_t now_ns = 0;
  // Cluster: answer from the live nodes when some are down instead of failing.
  bool allow_partial = false;
  // Called (before any row reaches the sink) when the answer is known to be partial.
  std::function<void()> on_partial;
};

// Where query rows come from. Every select endpoint goes through this, so it works the same on
// a single node (LocalBackend) and on a cluster router (cluster::RemoteBackend).
class QueryBackend {
 public:
  virtual ~QueryBackend() = default;
  // Runs the whole query (filter and pipes), streaming result blocks into `sink`.
  // Unavailable (-> 502) when a needed peer is down.
  virtual Status Execute(const QueryContext& ctx, const logsql::Query& query, logsql::ResultSink& sink,
                         const std::atomic<bool>* cancelled) = 0;
};

class LocalBackend : public QueryBackend {
 public:
  explicit LocalBackend(const Searchable& data) : data_(data) {}
  Status Execute(const QueryContext& ctx, const logsql::Query& query, logsql::ResultSink& sink,
                 const std::atomic<bool>* cancelled) override;

 private:
  const Searchable& data_;
};

// A rewrite for listing endpoints: `<the query's filters> | <pipes>`.
std::function<Status(std::unique_ptr<logsql::Query>*)> KeepFiltersThen(std::string pipes, int64_t now_ns);

// Parses the query (InvalidArgument with position on error), applies start/end, the rewrite and
// limit, and streams the result rows to `sink`.
Status RunQuery(QueryBackend& backend, const QueryRequest& request, logsql::ResultSink& sink,
                const std::atomic<bool>* cancelled);
Status RunQuery(const Searchable& data, const QueryRequest& request, logsql::ResultSink& sink,
                const std::atomic<bool>* cancelled);

}  // namespace vl::select
