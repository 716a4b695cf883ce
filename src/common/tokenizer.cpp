#include "vl/common/tokenizer.h"

#include <unordered_set>

namespace vl {

namespace {

// Decodes one UTF-8 code point; invalid bytes decode as U+FFFD with length 1.
uint32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    int c1 = cont(1);
    if (c1 >= 0) { *len = 2; return ((b0 & 0x1F) << 6) | c1; }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    int c1 = cont(1), c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) { *len = 3; return ((b0 & 0x0F) << 12) | (c1 << 6) | c2; }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      *len = 4;
      return ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    }
  }
  *len = 1;
  return 0xFFFD;
}

// Letters and digits outside ASCII, approximated by excluding the punctuation, symbol and space
// blocks that real logs contain; everything else in the BMP and beyond counts as a letter.
bool IsNonAsciiWordRune(uint32_t r) {
  if (r == 0xFFFD) return false;
  if (r >= 0x80 && r <= 0xBF) return r == 0xAA || r == 0xB5 || r == 0xBA || (r >= 0xB2 && r <= 0xB3) || r == 0xB9 || (r >= 0xBC && r <= 0xBE);
  if (r == 0xD7 || r == 0xF7) return false;
  if (r >= 0x2000 && r <= 0x2BFF) return false;    // punctuation, symbols, arrows, box drawing
  if (r >= 0x3000 && r <= 0x303F) return false;    // CJK punctuation
  if (r >= 0xFE30 && r <= 0xFE4F) return false;    // CJK compatibility forms
  if (r >= 0xFF00 && r <= 0xFF0F) return false;    // fullwidth punctuation
  if (r >= 0x1F000 && r <= 0x1FAFF) return false;  // emoji and pictographs
  if (r >= 0xE000 && r <= 0xF8FF) return false;    // private use
  return true;
}

}  // namespace

bool IsWordCharAt(std::string_view s, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *len = 1;
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }
  return IsNonAsciiWordRune(DecodeUtf8(s, i, len));
}

std::vector<std::string> Tokenize(std::string_view s) {
  std::vector<std::string> out;
  std::unordered_set<std::string_view> seen;
  ForEachToken(s, [&](std::string_view tok) {
    if (seen.insert(tok).second) out.emplace_back(tok);
  });
  return out;
}

bool IsTokenBoundaryBefore(std::string_view s, size_t pos) {
  if (pos == 0) return true;
  // Step back to the start of the previous UTF-8 sequence.
  size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80 && pos - start < 4) --start;
  size_t len;
  return !IsWordCharAt(s, start, &len);
}

bool IsTokenBoundaryAfter(std::string_view s, size_t end_pos) {
  if (end_pos >= s.size()) return true;
  size_t len;
  return !IsWordCharAt(s, end_pos, &len);
}

}  // namespace vl
