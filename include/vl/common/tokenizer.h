// Words as LogsQL sees them: maximal runs of Unicode letters, digits and '_'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vl {

// True when the UTF-8 sequence starting at s[i] is a word character; *len gets its byte length.
bool IsWordCharAt(std::string_view s, size_t i, size_t* len);

namespace tokenizer_internal {
// Byte classes: 0 = ASCII separator, 1 = ASCII word character, 2 = first byte of a non-ASCII
// sequence (decided by IsWordCharAt). One table load per byte instead of three range compares:
// tokenizing runs over every stored value (bloom filters) and almost all log bytes are ASCII.
struct ByteClasses {
  unsigned char c[256];
  constexpr ByteClasses() : c{} {
    for (int b = 0; b < 256; b++)
      c[b] = b >= 0x80 ? 2
                       : ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                          b == '_')
                             ? 1
                             : 0;
  }
};
inline constexpr ByteClasses kByteClasses{};
}  // namespace tokenizer_internal

// Calls fn(std::string_view token) for every token of `s`, in order, duplicates included.
template <typename Fn>
void ForEachToken(std::string_view s, Fn&& fn) {
  const unsigned char* classes = tokenizer_internal::kByteClasses.c;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  size_t len = 0;
  while (i < n) {
    const unsigned char k = classes[p[i]];
    if (k == 0) {
      i++;
      continue;
    }
    if (k == 2 && !IsWordCharAt(s, i, &len)) {
      i += len;
      continue;
    }
    const size_t start = i;
    i += k == 1 ? 1 : len;
    while (i < n) {
      const unsigned char k2 = classes[p[i]];
      if (k2 == 1) {
        i++;
      } else if (k2 == 2 && IsWordCharAt(s, i, &len)) {
        i += len;
      } else {
        break;
      }
    }
    fn(s.substr(start, i - start));
  }
}

// Distinct tokens of `s` in first-seen order.
std::vector<std::string> Tokenize(std::string_view s);

// Whether the bytes just before `pos` / at `pos` form a token boundary (or the string edge).
bool IsTokenBoundaryBefore(std::string_view s, size_t pos);
bool IsTokenBoundaryAfter(std::string_view s, size_t end_pos);

}  // namespace vl
