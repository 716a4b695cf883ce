// How range filters read values and operands as numbers.
#pragma once

#include <cstdint>
#include <string_view>

namespace vl::logsql {

// Reads a field value or operand as a number: a plain decimal (std::from_chars, the same reading
// the storage uses for per-block min/max, so block skipping agrees with row matching), then a
// duration (`1.5s` -> ns), a short number (`10KiB`, `1.5M`, `1_000`), an RFC3339 time (ns) or an
// IPv4 address (as uint32). False otherwise; NaN is never a number.
bool ParseRangeNumber(std::string_view s, double* v);

// A whole value that is exactly a dotted IPv4 address (`10.0.0.1`; no port, no text around it).
bool ParseIPv4(std::string_view s, uint32_t* ip);

}  // namespace vl::logsql
