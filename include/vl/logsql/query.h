// A parsed LogsQL query: a filter tree plus a chain of pipes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/logsql/filter.h"
#include "vl/logsql/pipe.h"

namespace vl::logsql {

// `options(...)` at the start of a (sub)query; subqueries inherit them.
struct QueryOptions {
  uint32_t concurrency = 0;  // at most this many workers search for this query; 0 = default
  bool ignore_global_time_filter = false;  // the HTTP start/end do not apply to this query
};

class Query {
 public:
  Query();
  ~Query();
  Query(std::unique_ptr<Filter> filter, std::vector<std::unique_ptr<Pipe>> pipes,
        QueryOptions options = {});

  // Canonical text; ParseQuery(ToString()) yields the same query.
  std::string ToString() const;
  // ANDs `_time:[start, end]` (both inclusive) into the filter and into those of its subqueries,
  // unless options say to ignore the global time filter. INT64_MIN / INT64_MAX = unbounded.
  void AddTimeRange(int64_t start_ns, int64_t end_ns);
  // ANDs `extra` (the HTTP `extra_filters` / `extra_stream_filters`) into the filter and into
  // those of its subqueries.
  void AddExtraFilter(const Filter& extra);
  // Gives `rate()` and `rate_sum()` the span of the top-level time range as their step (called
  // after parsing and by AddTimeRange; a query with no bounded range leaves them without one).
  void UpdateRateStep();
  // Appends `| limit n`.
  void AppendLimit(uint64_t n);
  // True when no pipe reorders/aggregates/limits rows and the result keeps `_time`.
  bool CanReturnLastNRows() const;

  const Filter& filter() const { return *filter_; }
  Filter& mutable_filter() { return *filter_; }
  const QueryOptions& options() const { return options_; }
  const std::vector<std::unique_ptr<Pipe>>& pipes() const { return pipes_; }
  std::vector<std::unique_ptr<Pipe>>& mutable_pipes() { return pipes_; }
  std::unique_ptr<Query> Clone() const;
  // The same filter with no pipes (for listing endpoints).
  std::unique_ptr<Query> CloneWithoutPipes() const;

 private:
  std::unique_ptr<Filter> filter_;
  std::vector<std::unique_ptr<Pipe>> pipes_;
  QueryOptions options_;
};

// Calls `fn` on every filter of the query (main filter and filter pipes) that waits for a
// subquery's values, outermost first. Stops at the first error.
Status ForEachPendingSubquery(Query& query, const std::function<Status(Filter& f)>& fn);
bool HasPendingSubqueries(const Query& query);

// `now_ns` resolves relative times such as `_time:5m`.
Result<std::unique_ptr<Query>> ParseQuery(std::string_view text, int64_t now_ns);

}  // namespace vl::logsql
