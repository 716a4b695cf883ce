// Internal: literal text every match of a regexp must contain, for cheap pre-checks before RE2
// runs on a value: a substring search, and whole words for the bloom filters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vl::logsql::filters {

// Literal runs that every match of `pattern` (unanchored) contains, in order of appearance.
// Conservative: runs inside groups, alternations, classes and optional elements are left out;
// patterns with flags (`(?i)`) give none.
std::vector<std::string> RequiredLiterals(std::string_view pattern);

// Whole words of those runs: the tokens that do not touch a run's edge with a word character
// (a run's first or last word may be part of a longer word in the value).
std::vector<std::string> RequiredWords(const std::vector<std::string>& literals);

}  // namespace vl::logsql::filters
