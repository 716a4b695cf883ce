// `median(f1, ...)`: the 0.5 quantile of the numeric values (see quantile.h).
#include "quantile.h"

namespace vl::logsql::stats {

std::unique_ptr<StatsFunc> ParseMedian(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<Quantile>(name, std::move(fields), 0.5, "0.5");
}

}  // namespace vl::logsql::stats
