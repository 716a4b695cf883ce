// `row_max(src, f1, ...)`: see row_min_max.h.
#include "row_min_max.h"

namespace vl::logsql::stats {

std::unique_ptr<StatsFunc> ParseRowMax(parser_internal::Parser& p, const std::string& name) {
  return RowMinMax::Parse(p, name, 1);
}

}  // namespace vl::logsql::stats
