// A parsed LogsQL query: a filter tree plus a chain of pipes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/logsql/filter.h"
#include "vl/logsql/pipe.h"

namespace vl::logsql {

class Query {
 public:
  Query();
  ~Query();
  Query(std::unique_ptr<Filter> filter, std::vector<std::unique_ptr<PipeSpec>> pipes);

  // Canonical text; ParseQuery(ToString()) yields the same query.
  std::string ToString() const;
  // ANDs `_time:[start, end]` (both inclusive) into the filter. INT64_MIN / INT64_MAX = unbounded.
  void AddTimeRange(int64_t start_ns, int64_t end_ns);
  // Appends `| limit n`.
  void AppendLimit(uint64_t n);
  // True when no pipe reorders/aggregates/limits rows and the result keeps `_time`.
  bool CanReturnLastNRows() const;

  const Filter& filter() const { return *filter_; }
  const std::vector<std::unique_ptr<PipeSpec>>& pipes() const { return pipes_; }
  std::unique_ptr<Query> Clone() const;
  // The same filter with no pipes (for listing endpoints).
  std::unique_ptr<Query> CloneWithoutPipes() const;

 private:
  std::unique_ptr<Filter> filter_;
  std::vector<std::unique_ptr<PipeSpec>> pipes_;
};

// `now_ns` resolves relative times such as `_time:5m`.
Result<std::unique_ptr<Query>> ParseQuery(std::string_view text, int64_t now_ns);

}  // namespace vl::logsql
