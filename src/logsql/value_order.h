// Internal: the order LogsQL puts values in where it compares them (`sort`, `first`/`last`,
// `min`/`max`, `uniq_values`, `top` ties): numbers (integers, decimals, durations, sizes) and
// RFC3339 timestamps by value, otherwise "natural" text order in which runs of digits compare
// as numbers (`file2` < `file10`, `10.0.0.9` < `10.0.0.10`), a digit sorts before any other
// byte, and the empty string sorts first.
#pragma once

#include "vl/logsql/natural_order.h"
#include <string>
#include <string_view>

namespace vl::logsql {

// <0, 0, >0.
int CompareValues(std::string_view a, std::string_view b);
// A byte string whose bytewise order is the natural order of the values it was made from (digit
// runs as length, digits and leading-zero count), for sorting many values: encode once, compare
// with memcmp. False (and *out unspecified) for the rare value it cannot encode (bytes 0xFF,
// digit runs of more than 255 digits): compare those with CompareNatural.
bool AppendNaturalKey(std::string_view v, std::string* out);
// The value an AppendNaturalKey encoding was made from.
std::string DecodeNaturalKey(std::string_view key);

// A decimal number or an RFC3339 timestamp (as Unix nanoseconds); false otherwise.
bool ParsePlainNumber(std::string_view s, double* out);
// The value as a number the way CompareValues sees it (timestamps as Unix nanoseconds); false
// when it is not one.
bool ValueAsNumber(std::string_view s, double* out);

}  // namespace vl::logsql
