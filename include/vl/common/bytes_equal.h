// Equality of short byte strings without a call into libc.
//
// Block building compares field names and values millions of times per flush, mostly short ones
// (names) or ones that differ in their first bytes (ids, numbers): an out-of-line memcmp per
// comparison was the largest single item of the flusher's profile.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace vl {

inline bool BytesEqual(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  if (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data(), 8);
    std::memcpy(&y, b.data(), 8);
    if (x != y) return false;
    if (n <= 16) {  // the last 8 bytes (overlapping the first) finish the job
      std::memcpy(&x, a.data() + n - 8, 8);
      std::memcpy(&y, b.data() + n - 8, 8);
      return x == y;
    }
    return std::memcmp(a.data() + 8, b.data() + 8, n - 8) == 0;
  }
  if (n >= 4) {
    uint32_t x, y, u, v;
    std::memcpy(&x, a.data(), 4);
    std::memcpy(&y, b.data(), 4);
    std::memcpy(&u, a.data() + n - 4, 4);
    std::memcpy(&v, b.data() + n - 4, 4);
    return x == y && u == v;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace vl
