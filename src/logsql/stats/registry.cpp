// The stats functions by name: one line each.
#include "stats_func.h"

namespace vl::logsql::stats {

std::unique_ptr<StatsFunc> ParseAvg(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCount(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCountEmpty(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCountUniq(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCountUniqHash(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseHistogram(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseJsonValues(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseMax(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseMedian(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseMin(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseQuantile(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseRate(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseRateSum(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseRowAny(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseRowMax(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseRowMin(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseSum(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseSumLen(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseUniqValues(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseValues(parser_internal::Parser&, const std::string&);

namespace {

struct Entry {
  std::string_view name;
  StatsFuncParser parse;
};

constexpr Entry kFuncs[] = {
    {"avg", ParseAvg},
    {"count", ParseCount},
    {"count_empty", ParseCountEmpty},
    {"count_uniq", ParseCountUniq},
    {"count_uniq_hash", ParseCountUniqHash},
    {"histogram", ParseHistogram},
    {"json_values", ParseJsonValues},
    {"max", ParseMax},
    {"median", ParseMedian},
    {"min", ParseMin},
    {"quantile", ParseQuantile},
    {"rate", ParseRate},
    {"rate_sum", ParseRateSum},
    {"row_any", ParseRowAny},
    {"row_max", ParseRowMax},
    {"row_min", ParseRowMin},
    {"sum", ParseSum},
    {"sum_len", ParseSumLen},
    {"uniq_values", ParseUniqValues},
    {"values", ParseValues},
};

}  // namespace

StatsFuncParser FindStatsFunc(std::string_view name) {
  for (const auto& e : kFuncs) {
    if (e.name == name) return e.parse;
  }
  return nullptr;
}

}  // namespace vl::logsql::stats
