// LEB128 unsigned varints: 7 bits per byte, low group first, high bit = continuation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vl {

inline void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint from the front of *in and advances it. False on truncated or overlong input.
inline bool ReadVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *v = result;
      return true;
    }
  }
  return false;
}

inline void AppendLengthPrefixed(std::string_view s, std::string* out) {
  AppendVarint(s.size(), out);
  out->append(s);
}

inline bool ReadLengthPrefixed(std::string_view* in, std::string_view* s) {
  uint64_t n;
  if (!ReadVarint(in, &n) || n > in->size()) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace vl
