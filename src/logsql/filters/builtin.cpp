// The function-syntax filters: one line per kind.
#include "filters.h"

namespace vl::logsql::filters {
namespace {

constexpr FilterFunc kBuiltinFilterFuncs[] = {
    {"i", BuildCaseInsensitive},
    {"exact", BuildExact},
    {"re", BuildRegexp},
    {"in", BuildIn, /*allows_subquery=*/true},
    {"contains_all", BuildContainsAll, /*allows_subquery=*/true},
    {"contains_any", BuildContainsAny, /*allows_subquery=*/true},
    {"seq", BuildSeq},
    {"range", BuildRange, false, /*allows_brackets=*/true},
    {"ipv4_range", BuildIPv4Range},
    {"string_range", BuildStringRange},
    {"len_range", BuildLenRange},
    {"value_type", BuildValueType},
    {"eq_field", BuildEqField},
    {"le_field", BuildLeField},
    {"lt_field", BuildLtField},
};

}  // namespace

bool PhraseArgs(FilterCall& call, std::vector<std::string>* out, std::string* err) {
  for (auto& a : call.args) {
    if (a.star) {
      *err = call.name + "() takes words and phrases, not prefixes";
      return false;
    }
    out->push_back(std::move(a.value));
  }
  return true;
}

const FilterFunc* FindFilterFunc(std::string_view name) {
  for (const auto& f : kBuiltinFilterFuncs) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace vl::logsql::filters
