// Words as LogsQL sees them: maximal runs of Unicode letters, digits and '_'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vl {

// True when the UTF-8 sequence starting at s[i] is a word character; *len gets its byte length.
bool IsWordCharAt(std::string_view s, size_t i, size_t* len);

// IsWordCharAt with the ASCII case inlined: tokenizing runs over every stored value (bloom
// filters), and almost all bytes of logs are ASCII. Same results as IsWordCharAt.
inline bool IsWordCharAtFast(std::string_view s, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *len = 1;
    return static_cast<unsigned>((c | 0x20) - 'a') < 26 || static_cast<unsigned>(c - '0') < 10 ||
           c == '_';
  }
  return IsWordCharAt(s, i, len);
}

// Calls fn(std::string_view token) for every token of `s`, in order, duplicates included.
template <typename Fn>
void ForEachToken(std::string_view s, Fn&& fn) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = 0;
    if (!IsWordCharAtFast(s, i, &len)) {
      i += len;
      continue;
    }
    size_t start = i;
    i += len;
    while (i < s.size() && IsWordCharAtFast(s, i, &len)) i += len;
    fn(s.substr(start, i - start));
  }
}

// Distinct tokens of `s` in first-seen order.
std::vector<std::string> Tokenize(std::string_view s);

// Whether the bytes just before `pos` / at `pos` form a token boundary (or the string edge).
bool IsTokenBoundaryBefore(std::string_view s, size_t pos);
bool IsTokenBoundaryAfter(std::string_view s, size_t end_pos);

}  // namespace vl
