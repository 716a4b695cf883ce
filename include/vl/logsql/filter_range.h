// Range comparison filters (`field:>N`, `field:<=1.5s`, `field:range[a, b)`, `field:<"John"`):
// how values and operands are read as numbers, and how a value is matched.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vl/logsql/filter.h"

namespace vl::logsql {

// Reads a field value or operand as a number: a plain decimal (std::from_chars, the same reading
// the storage uses for per-block min/max, so block skipping agrees with row matching), then a
// duration (`1.5s` -> ns), a short number (`10KiB`, `1.5M`, `1_000`), an RFC3339 time (ns) or an
// IPv4 address (as uint32). False otherwise; NaN is never a number.
bool ParseRangeNumber(std::string_view s, double* v);

// `op` is one of `>`, `>=`, `<`, `<=`. A non-numeric operand gives a bytewise string
// comparison, as VictoriaLogs does.
std::unique_ptr<Filter> MakeComparisonFilter(const std::string& field, const std::string& op,
                                             const std::string& operand);
// `range(a, b)` family; left_incl/right_incl from `[`/`]`. Returns nullptr when a bound is not
// numeric (*err says which).
std::unique_ptr<Filter> MakeRangeFilter(const std::string& field, const std::string& a,
                                        const std::string& b, bool left_incl, bool right_incl,
                                        std::string* err);

// Whether value `v` passes the kRange filter `f`. Empty values never match.
bool MatchRange(const Filter& f, std::string_view v);

}  // namespace vl::logsql
