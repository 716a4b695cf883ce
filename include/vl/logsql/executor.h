// Runs a parsed query over a Searchable and streams result blocks into a sink.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "vl/common/status.h"
#include "vl/common/stream.h"
#include "vl/logsql/query.h"
#include "vl/logsql/result.h"
#include "vl/storage/block.h"

namespace vl::logsql {

// Blocks are searched in parallel; filter evaluation and row materialization run concurrently,
// the pipe chain and `sink.Write` are serialized by a mutex. Stops early when a `limit` is
// satisfied, the sink returns false, or `*cancelled` becomes true (-> Status::Cancelled).
Status ExecuteQuery(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                    const std::atomic<bool>* cancelled);

// What a query touched; also added to /metrics (vl_query_blocks_read_total, ..._skipped_total).
struct QueryStats {
  uint64_t blocks_read = 0;     // blocks whose rows were examined
  uint64_t blocks_skipped = 0;  // candidate blocks rejected from headers (bloom, min/max, top-N)
};
// The same, reporting QueryStats when `stats` is not null.
Status ExecuteQuery(const Searchable& data, TenantID tenant, const Query& query, ResultSink& sink,
                    const std::atomic<bool>* cancelled, QueryStats* stats);

// Runs a pipe chain over blocks coming from elsewhere (e.g. cluster nodes). Push is thread-safe
// (calls are serialized); it returns false once no more input is wanted.
class PipeRunner {
 public:
  PipeRunner(const std::vector<std::unique_ptr<Pipe>>& pipes, ResultSink& sink);
  ~PipeRunner();
  bool Push(ResultBlock&& block);
  // End of input; call once after all Push calls returned. Not OK when a pipe failed (over the
  // query's memory budget).
  Status Flush();

 private:
  std::mutex mu_;
  QueryMemory memory_;
  bool done_ = false;
  std::vector<std::unique_ptr<Processor>> chain_;
};

// Runs a query into a sink: how subqueries get answered (on this node, or across the cluster).
using SubqueryRunner = std::function<Status(const Query& query, ResultSink& sink)>;
// Runs every subquery still pending in `query` (`in(<query>)`, innermost first) through `run`
// and hands each filter the distinct values of its subquery's output field.
Status ResolveSubqueries(Query& query, const SubqueryRunner& run);

// The SearchSpec derived from the query's top-level AND: time range, stream predicate and a
// bloom-filter block pre-check. References `query`, which must outlive the returned spec.
SearchSpec MakeSearchSpec(TenantID tenant, const Query& query, const std::atomic<bool>* cancelled);

}  // namespace vl::logsql
