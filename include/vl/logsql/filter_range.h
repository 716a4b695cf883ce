// How range filters read values and operands as numbers.
#pragma once

#include <string_view>

namespace vl::logsql {

// Reads a field value or operand as a number: a plain decimal (std::from_chars, the same reading
// the storage uses for per-block min/max, so block skipping agrees with row matching), then a
// duration (`1.5s` -> ns), a short number (`10KiB`, `1.5M`, `1_000`), an RFC3339 time (ns) or an
// IPv4 address (as uint32). False otherwise; NaN is never a number.
bool ParseRangeNumber(std::string_view s, double* v);

}  // namespace vl::logsql
