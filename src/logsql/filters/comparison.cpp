// `field:>X`, `>=`, `<`, `<=`: numeric when X reads as a number (range.cpp), else a bytewise
// string comparison (string_range.cpp), as VictoriaLogs does.
#include "filters.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql::filters {

std::unique_ptr<Filter> MakeNumericComparison(std::string field, const std::string& op, double n,
                                              const std::string& operand);
std::unique_ptr<Filter> MakeStringComparison(std::string field, const std::string& op, const std::string& operand);

std::unique_ptr<Filter> MakeComparisonFilter(std::string field, const std::string& op, const std::string& operand) {
  double n;
  if (ParseRangeNumber(operand, &n)) return MakeNumericComparison(std::move(field), op, n, operand);
  return MakeStringComparison(std::move(field), op, operand);
}

}  // namespace vl::logsql::filters
