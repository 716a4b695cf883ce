// The stats functions by name: one line each.
#include "stats_func.h"

namespace vl::logsql::stats {

std::unique_ptr<StatsFunc> ParseAvg(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCount(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCountEmpty(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCountUniq(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseCountUniqHash(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseMax(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseMin(parser_internal::Parser&, const std::string&);
std::unique_ptr<StatsFunc> ParseSum(parser_internal::Parser&, const std::string&);

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
    {"max", ParseMax},
    {"min", ParseMin},
    {"sum", ParseSum},
};

}  // namespace

StatsFuncParser FindStatsFunc(std::string_view name) {
  for (const auto& e : kFuncs) {
    if (e.name == name) return e.parse;
  }
  return nullptr;
}

}  // namespace vl::logsql::stats
