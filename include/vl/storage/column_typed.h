// Typed column encodings (ints, decimals, IPv4, ISO8601 timestamps) and per-column numeric ranges.
// A typed encoding is chosen only when formatting the parsed value reproduces the original bytes,
// so decoding always returns exactly what was stored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/storage/column.h"

namespace vl::storage {

// Min/max of the non-empty values when every one of them is a plain decimal number (as
// std::from_chars reads it, NaN excluded). Range filters use it to skip blocks, so it must bound
// every value such a filter could read as a number.
struct NumericRange {
  bool valid = false;
  double min = 0;
  double max = 0;
  void Add(double v);
};

// Parses `s` fully as a double with std::from_chars; false for NaN or trailing bytes.
bool ParsePlainNumber(std::string_view s, double* v);
// Range over the values; `valid` is false when some non-empty value is not a plain number or
// when all values are empty.
NumericRange ComputeNumericRange(const std::vector<std::string_view>& values);

// Tries the typed encodings in order; on success appends the raw (uncompressed) body, starting
// with the encoding byte, to `raw`, fills `range` for numeric types and returns true.
bool EncodeTyped(const std::vector<std::string_view>& values, std::string* raw, NumericRange* range);
// Decodes a body produced by EncodeTyped (after the encoding byte). Views point into `buf`.
bool DecodeTyped(ColumnEncoding enc, std::string_view body, size_t rows, std::string* buf,
                 std::vector<std::string_view>* values);
// For the uint, int and decimal encodings: each row's value as std::from_chars would read the
// decoded text (NaN for missing rows), without formatting it. False for other encodings or
// values a double cannot reproduce exactly that way.
bool DecodeTypedNumbers(ColumnEncoding enc, std::string_view body, size_t rows,
                        std::vector<double>* out);

}  // namespace vl::storage
