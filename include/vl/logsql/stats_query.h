// The form `/select/logsql/stats_query` and `stats_query_range` need of a query, and the rewrite
// the range endpoint applies: every `stats` pipe also groups by `_time` buckets of the step.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vl/common/status.h"
#include "vl/logsql/query.h"

namespace vl::logsql {

// Checks that `query` can answer as a Prometheus vector or matrix: it has a `stats` pipe, and
// after the last one only pipes that keep rows as series (`filter`, `first`, `last`, `sort`,
// `math`, `fields`, `delete`, `copy`, `rename`, `format`). Returns the last stats pipe's
// by-fields, which become labels; every other result column becomes a series of its own.
Result<std::vector<std::string>> StatsQueryLabels(const Query& query);

// For stats_query_range: each `stats` pipe groups by `_time:<step> offset <offset>` too
// (replacing a `_time` bucket it had), `rate`/`rate_sum` use the step, and `sort`, `first` and
// `last` after a stats pipe work per `_time` bucket (`partition by (_time)`).
Status RewriteForStatsRange(Query* query, int64_t step_ns, int64_t offset_ns);

}  // namespace vl::logsql
