// `max(f1, ...)`: the largest non-empty value (see min_max.h for how values compare).
#include "min_max.h"

namespace vl::logsql::stats {

std::unique_ptr<StatsFunc> ParseMax(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<MinMax<false>>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
