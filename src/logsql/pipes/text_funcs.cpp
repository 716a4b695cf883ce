#include "text_funcs.h"

#include "vl/common/utf8.h"

#include <unordered_set>

#include "vl/common/tokenizer.h"

namespace vl::logsql::pipes {

namespace {

constexpr uint32_t kRuneError = 0xFFFD;

// Decodes the UTF-8 sequence at s[i] with Go's rules (no overlong forms, no surrogates, nothing
// above U+10FFFF); an invalid or truncated sequence decodes as U+FFFD of length 1.
uint32_t DecodeRune(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  auto at = [&](size_t k) -> int { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : -1; };
  auto cont = [](int b) { return b >= 0x80 && b <= 0xBF; };
  *len = 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    const int b1 = at(1);
    if (!cont(b1)) return kRuneError;
    *len = 2;
    return ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const int b1 = at(1), b2 = at(2);
    const int lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    if (b1 < lo || b1 > hi || !cont(b2)) return kRuneError;
    *len = 3;
    return ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const int b1 = at(1), b2 = at(2), b3 = at(3);
    const int lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    if (b1 < lo || b1 > hi || !cont(b2) || !cont(b3)) return kRuneError;
    *len = 4;
    return ((b0 & 0x07u) << 18) | ((b1 & 0x3Fu) << 12) | ((b2 & 0x3Fu) << 6) | (b3 & 0x3Fu);
  }
  return kRuneError;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0, len = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      i++;
      continue;
    }
    if (DecodeRune(s, i, &len) == kRuneError && len == 1) return false;
    i += len;
  }
  return true;
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's unicode.IsSpace.
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

}  // namespace

std::string_view TrimUnicodeSpace(std::string_view s) {
  size_t len = 0;
  while (!s.empty()) {
    const uint32_t r = DecodeRune(s, 0, &len);
    if (!IsUnicodeSpace(r)) break;
    s.remove_prefix(len);
  }
  while (!s.empty()) {
    // The last rune: step back to its lead byte (at most 3 continuation bytes), Go-style.
    size_t start = s.size() - 1;
    if (static_cast<unsigned char>(s[start]) >= 0x80) {
      const size_t lim = s.size() >= 4 ? s.size() - 4 : 0;
      while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) start--;
    }
    uint32_t r = DecodeRune(s, start, &len);
    if (start + len != s.size()) {
      r = kRuneError;
      len = 1;
    }
    if (!IsUnicodeSpace(r)) break;
    s.remove_suffix(len);
  }
  return s;
}

namespace {

// Go's strconv unquoting of the literal at the start of s ('"' or '`'). On success returns the
// literal's length in s and either sets *view to the value (when it is a plain slice of s) or
// appends the value to *buf and sets *copied. Returns 0 on failure (nothing appended).
size_t UnquoteGo(std::string_view s, std::string_view* view, std::string* buf, bool* copied) {
  *copied = false;
  if (s.size() < 2) return 0;
  const char quote = s[0];
  if (quote != '"' && quote != '`') return 0;
  const size_t close = s.find(quote, 1);
  if (close == std::string_view::npos) return 0;
  const size_t end = close + 1;  // just past the first quote char (maybe an escaped one)
  if (quote == '`') {
    const std::string_view body = s.substr(1, close - 1);
    if (body.find('\r') == std::string_view::npos) {
      *view = body;
    } else {
      for (char c : body)
        if (c != '\r') buf->push_back(c);
      *copied = true;
    }
    return end;
  }
  const std::string_view lit = s.substr(0, end);
  if (lit.find('\\') == std::string_view::npos && lit.find('\n') == std::string_view::npos &&
      IsValidUtf8(s.substr(1, close - 1))) {
    *view = s.substr(1, close - 1);
    return end;
  }
  // Escapes, raw newlines or invalid UTF-8: decode char by char.
  const size_t buf_start = buf->size();
  auto fail = [&]() -> size_t {
    buf->resize(buf_start);
    return 0;
  };
  size_t i = 1;
  while (i < s.size() && s[i] != '"') {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') return fail();
    if (c >= 0x80) {
      size_t len = 0;
      AppendUtf8(DecodeRune(s, i, &len), buf);  // invalid bytes -> U+FFFD
      i += len;
      continue;
    }
    if (c != '\\') {
      buf->push_back(static_cast<char>(c));
      i++;
      continue;
    }
    if (i + 1 >= s.size()) return fail();
    const char e = s[i + 1];
    i += 2;
    switch (e) {
      case 'a': buf->push_back('\a'); break;
      case 'b': buf->push_back('\b'); break;
      case 'f': buf->push_back('\f'); break;
      case 'n': buf->push_back('\n'); break;
      case 'r': buf->push_back('\r'); break;
      case 't': buf->push_back('\t'); break;
      case 'v': buf->push_back('\v'); break;
      case '\\': buf->push_back('\\'); break;
      case '"': buf->push_back('"'); break;
      case 'x': case 'u': case 'U': {
        const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (s.size() - i < n) return fail();
        uint32_t v = 0;
        for (size_t j = 0; j < n; j++) {
          const int h = HexVal(s[i + j]);
          if (h < 0) return fail();
          v = (v << 4) | static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          buf->push_back(static_cast<char>(v));  // a single raw byte
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return fail();
          AppendUtf8(v, buf);
        }
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        if (s.size() - i < 2) return fail();
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (size_t j = 0; j < 2; j++) {
          const char d = s[i + j];
          if (d < '0' || d > '7') return fail();
          v = (v << 3) | static_cast<uint32_t>(d - '0');
        }
        i += 2;
        if (v > 255) return fail();
        buf->push_back(static_cast<char>(v));
        break;
      }
      default:  // includes \' inside "...", which Go rejects
        return fail();
    }
  }
  if (i >= s.size()) return fail();  // no closing quote
  *copied = true;
  return i + 1;
}

// A string that is either a view (p != nullptr) or a slice of the scratch buffer, which may
// still grow: resolved to views only once parsing is done.
struct Ref {
  const char* p = nullptr;
  size_t off = 0;
  size_t len = 0;
  static Ref View(std::string_view v) { return Ref{v.data() ? v.data() : "", 0, v.size()}; }
  static Ref Scratch(size_t off, size_t len) { return Ref{nullptr, off, len}; }
  std::string_view Resolve(const std::string& scratch) const {
    return p ? std::string_view(p, len) : std::string_view(scratch.data() + off, len);
  }
};

// ---- collapse_nums helpers ----

bool IsHexOrDigit(uint32_t r) {
  return (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F');
}
bool IsNumPrefixLetter(uint32_t r) {
  return r == 'T' || r == 'X' || r == 'x' || r == 'v' || r == 's' || r == 'h' || r == 'm';
}
bool IsNumSuffixLetter(uint32_t r) {
  return r == 'T' || r == 'Z' || r == 's' || r == 'm' || r == 'h' || r == 0x3BC /* μ */ || r == 'u' ||
         r == 'n';
}
bool CanBeNumber(std::string_view run) {
  bool has_letters = false;
  for (char c : run)
    if (!(c >= '0' && c <= '9')) has_letters = true;
  // Hex numbers are usually >= 4 chars with an even count; this keeps `be`, `abc`, `foo`.
  return !has_letters || (run.size() >= 4 && run.size() % 2 == 0);
}

void ReplaceAll(std::string_view src, std::string_view old, std::string_view repl,
                std::string_view (*skip_tail)(std::string_view), std::string* dst) {
  while (true) {
    const size_t n = src.find(old);
    if (n == std::string_view::npos) {
      dst->append(src);
      return;
    }
    dst->append(src.substr(0, n));
    dst->append(repl);
    src.remove_prefix(n + old.size());
    if (skip_tail) src = skip_tail(src);
  }
}

std::string_view SkipSubsecs(std::string_view s) {
  if (s.starts_with(".<N>") || s.starts_with(",<N>")) s.remove_prefix(4);
  return s;
}
std::string_view SkipTimezone(std::string_view s) {
  if (s.starts_with("Z")) {
    s.remove_prefix(1);
  } else if (s.starts_with("-<N>:<N>") || s.starts_with("+<N>:<N>")) {
    s.remove_prefix(8);
  }
  return s;
}

// ---- lenient JSON (fastjson's grammar) ----

constexpr int kJsonMaxDepth = 300;

bool IsJsonWs(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

void SkipJsonWs(std::string_view s, size_t* pos) {
  while (*pos < s.size() && IsJsonWs(s[*pos])) ++*pos;
}

bool EqualFoldAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// The raw body of a string whose opening quote is at s[*pos - 1]; *pos ends past the closing
// quote. A quote counts as escaped when an odd number of backslashes precedes it.
bool ScanJsonString(std::string_view s, size_t* pos, std::string_view* raw) {
  const size_t begin = *pos;
  size_t seg = begin;
  while (true) {
    const size_t q = s.find('"', seg);
    if (q == std::string_view::npos) return false;
    size_t bs = 0;
    while (q - bs > seg && s[q - bs - 1] == '\\') bs++;
    if (bs % 2 == 0) {
      *raw = s.substr(begin, q - begin);
      *pos = q + 1;
      return true;
    }
    seg = q + 1;
  }
}

// A number as fastjson takes it: a run of [0-9.eE+-], or NaN/Inf (any case) with an optional sign.
bool ScanJsonNumber(std::string_view s, size_t* pos, std::string_view* raw) {
  const size_t begin = *pos;
  size_t i = begin;
  while (i < s.size()) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+') {
      i++;
      continue;
    }
    const size_t k = i - begin;
    if (k == 0 || (k == 1 && (s[begin] == '-' || s[begin] == '+'))) {
      if (s.size() - i >= 3 && (EqualFoldAscii(s.substr(i, 3), "inf") || EqualFoldAscii(s.substr(i, 3), "nan"))) {
        *raw = s.substr(begin, k + 3);
        *pos = i + 3;
        return true;
      }
      return false;
    }
    break;
  }
  *raw = s.substr(begin, i - begin);
  *pos = i;
  return true;
}

// Parses one value at s[*pos] (no leading white space). When `compact` is set, appends the value
// as compact JSON. When `top_string` is set and the value is a string, it is stored there raw
// (without quotes) instead and *is_string is set.
bool ParseJsonValue(std::string_view s, size_t* pos, int depth, std::string* compact, std::string_view* top_string,
                    bool* is_string) {
  if (*pos >= s.size()) return false;
  if (++depth > kJsonMaxDepth) return false;
  const char c = s[*pos];
  if (c == '{' || c == '[') {
    const bool obj = c == '{';
    const char close = obj ? '}' : ']';
    ++*pos;
    SkipJsonWs(s, pos);
    if (*pos >= s.size()) return false;
    if (compact) compact->push_back(c);
    if (s[*pos] == close) {
      ++*pos;
      if (compact) compact->push_back(close);
      return true;
    }
    while (true) {
      SkipJsonWs(s, pos);
      if (obj) {
        if (*pos >= s.size() || s[*pos] != '"') return false;
        ++*pos;
        std::string_view key;
        if (!ScanJsonString(s, pos, &key)) return false;
        if (compact) {
          compact->push_back('"');
          compact->append(key);
          compact->append("\":");
        }
        SkipJsonWs(s, pos);
        if (*pos >= s.size() || s[*pos] != ':') return false;
        ++*pos;
        SkipJsonWs(s, pos);
      }
      if (!ParseJsonValue(s, pos, depth, compact, nullptr, nullptr)) return false;
      SkipJsonWs(s, pos);
      if (*pos >= s.size()) return false;
      if (s[*pos] == ',') {
        ++*pos;
        if (compact) compact->push_back(',');
        continue;
      }
      if (s[*pos] == close) {
        ++*pos;
        if (compact) compact->push_back(close);
        return true;
      }
      return false;
    }
  }
  if (c == '"') {
    ++*pos;
    std::string_view raw;
    if (!ScanJsonString(s, pos, &raw)) return false;
    if (top_string) {
      *top_string = raw;
      *is_string = true;
    } else if (compact) {
      compact->push_back('"');
      compact->append(raw);
      compact->push_back('"');
    }
    return true;
  }
  std::string_view lit;
  const std::string_view rest = s.substr(*pos);
  if (c == 't' || c == 'f') {
    lit = c == 't' ? "true" : "false";
    if (!rest.starts_with(lit)) return false;
  } else if (c == 'n' && !rest.starts_with("null")) {
    if (rest.size() < 3 || !EqualFoldAscii(rest.substr(0, 3), "nan")) return false;
    lit = rest.substr(0, 3);
  } else if (c == 'n') {
    lit = "null";
  } else {
    size_t p = *pos;
    if (!ScanJsonNumber(s, &p, &lit)) return false;
  }
  *pos += lit.size();
  if (compact) compact->append(lit);
  return true;
}

// fastjson's unescapeStringBestEffort.
void UnescapeJsonBestEffort(std::string_view s, std::string* out) {
  size_t i = 0;
  while (i < s.size()) {
    const size_t bs = s.find('\\', i);
    if (bs == std::string_view::npos) {
      out->append(s.substr(i));
      return;
    }
    out->append(s.substr(i, bs - i));
    i = bs + 1;
    if (i >= s.size()) return;  // a trailing lone backslash is dropped, as in fastjson
    const char e = s[i++];
    switch (e) {
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '/': out->push_back('/'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        auto hex4 = [&](size_t at, uint32_t* v) {
          if (s.size() - at < 4) return false;
          *v = 0;
          for (size_t j = 0; j < 4; j++) {
            const int h = HexVal(s[at + j]);
            if (h < 0) return false;
            *v = (*v << 4) | static_cast<uint32_t>(h);
          }
          return true;
        };
        uint32_t x = 0;
        if (!hex4(i, &x)) {
          out->append("\\u");
          break;
        }
        const std::string_view xs = s.substr(i, 4);
        i += 4;
        if (x < 0xD800 || x > 0xDFFF) {
          AppendUtf8(x, out);
          break;
        }
        uint32_t x1 = 0;
        if (s.size() - i < 6 || s[i] != '\\' || s[i + 1] != 'u' || !hex4(i + 2, &x1)) {
          out->append("\\u");
          out->append(xs);
          break;
        }
        i += 6;
        if (x < 0xDC00 && x1 >= 0xDC00 && x1 <= 0xDFFF) {
          AppendUtf8(0x10000 + ((x - 0xD800) << 10) + (x1 - 0xDC00), out);
        } else {
          AppendUtf8(kRuneError, out);
        }
        break;
      }
      default:
        out->push_back('\\');
        out->push_back(e);
    }
  }
}

// Walks the top-level array; calls fn(is_string, raw_string, compact) per element.
template <typename Fn>
bool WalkJsonArray(std::string_view s, bool want_text, Fn&& fn) {
  if (s.empty() || s[0] != '[') return false;
  size_t pos = 1;
  SkipJsonWs(s, &pos);
  if (pos >= s.size()) return false;
  std::string compact;
  if (s[pos] == ']') {
    pos++;
  } else {
    while (true) {
      SkipJsonWs(s, &pos);
      compact.clear();
      std::string_view raw;
      bool is_string = false;
      if (!ParseJsonValue(s, &pos, 1, want_text ? &compact : nullptr, &raw, &is_string)) return false;
      fn(is_string, raw, compact);
      SkipJsonWs(s, &pos);
      if (pos >= s.size()) return false;
      if (s[pos] == ',') {
        pos++;
        continue;
      }
      if (s[pos] == ']') {
        pos++;
        break;
      }
      return false;
    }
  }
  SkipJsonWs(s, &pos);
  return pos == s.size();
}

}  // namespace

// ---- collapse_nums ---------------------------------------------------------------------------

void CollapseNums(std::string_view s, bool prettify, std::string* out) {
  std::string tmp;
  std::string* dst = prettify ? &tmp : out;
  constexpr size_t kNone = std::string_view::npos;
  size_t start = 0;          // first byte not yet copied
  size_t num_start = kNone;  // start of the current number candidate
  bool prev_word = false;    // the previous char is a word char
  bool prev_prefix = false;  // ... and one of the unit-prefix letters
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    uint32_t r = b;
    size_t len = 1;
    bool word;
    if (b < 0x80) {
      word = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_';
    } else {
      word = vl::IsWordCharAt(s, i, &len);
      r = len == 2 && b == 0xCE && static_cast<unsigned char>(s[i + 1]) == 0xBC ? 0x3BC : 0x80;  // only μ matters
    }
    if (IsHexOrDigit(r)) {
      if (num_start == kNone && (prev_prefix || !prev_word)) num_start = i;
    } else if (num_start != kNone) {
      dst->append(s.substr(start, num_start - start));
      const std::string_view run = s.substr(num_start, i - num_start);
      if ((word && !IsNumSuffixLetter(r)) || !CanBeNumber(run)) {
        dst->append(run);
      } else {
        dst->append("<N>");
      }
      start = i;
      num_start = kNone;
    }
    prev_word = word;
    prev_prefix = IsNumPrefixLetter(r);
    i += len;
  }
  if (num_start != kNone && CanBeNumber(s.substr(num_start))) {
    dst->append(s.substr(start, num_start - start));
    dst->append("<N>");
  } else {
    dst->append(s.substr(start));
  }
  if (!prettify) return;

  std::string other;
  auto pass = [&](std::string_view old, std::string_view repl, std::string_view (*skip)(std::string_view)) {
    other.clear();
    ReplaceAll(tmp, old, repl, skip, &other);
    tmp.swap(other);
  };
  pass("<N>-<N>-<N>-<N>-<N>", "<UUID>", nullptr);
  pass("<N>.<N>.<N>.<N>", "<IP4>", nullptr);
  pass("<N>:<N>:<N>", "<TIME>", SkipSubsecs);
  pass("<N>-<N>-<N>", "<DATE>", nullptr);
  pass("<N>/<N>/<N>", "<DATE>", nullptr);
  pass("<DATE>T<TIME>", "<DATETIME>", SkipTimezone);
  pass("<DATE> <TIME>", "<DATETIME>", SkipTimezone);
  out->append(tmp);
}

// ---- decolorize ------------------------------------------------------------------------------

void Decolorize(std::string_view s, std::string* out) {
  while (true) {
    const size_t n = s.find("\x1b[");
    if (n == std::string_view::npos) {
      out->append(s);
      return;
    }
    out->append(s.substr(0, n));
    size_t i = n + 2;
    while (i < s.size() && s[i] >= 0x30 && s[i] <= 0x3F) i++;  // parameter bytes
    while (i < s.size() && s[i] >= 0x20 && s[i] <= 0x2F) i++;  // intermediate bytes
    if (i < s.size() && s[i] >= 0x30 && s[i] <= 0x7E) i++;     // final byte
    s.remove_prefix(i);
  }
}

// ---- logfmt ----------------------------------------------------------------------------------

size_t UnquoteGoStringPrefix(std::string_view s, std::string* value) {
  std::string_view view;
  bool copied = false;
  const size_t n = UnquoteGo(s, &view, value, &copied);
  if (n > 0 && !copied) value->append(view);
  return n;
}

void ParseLogfmt(std::string_view s, std::vector<TextField>* kvs, std::string* scratch) {
  kvs->clear();
  scratch->clear();
  thread_local std::vector<std::pair<std::string_view, Ref>> pending;  // no allocation per row
  pending.clear();
  auto add = [&](std::string_view name, Ref value) {
    name = TrimUnicodeSpace(name);
    if (name.empty() && value.len == 0) return;
    pending.emplace_back(name, value);
  };
  while (true) {
    size_t n = s.find_first_of("= ");
    if (n == std::string_view::npos) {
      add(s, Ref::View({}));
      break;
    }
    const std::string_view name = s.substr(0, n);
    const char ch = s[n];
    s.remove_prefix(n + 1);
    if (ch == ' ') {
      add(name, Ref::View({}));
      continue;
    }
    if (s.empty()) {
      add(name, Ref::View({}));
      break;
    }
    if (s[0] == '"' || s[0] == '`') {
      const size_t off = scratch->size();
      std::string_view view;
      bool copied = false;
      const size_t consumed = UnquoteGo(s, &view, scratch, &copied);
      if (consumed > 0) {
        add(name, copied ? Ref::Scratch(off, scratch->size() - off) : Ref::View(view));
        s.remove_prefix(consumed);
        if (s.empty() || s[0] != ' ') break;  // text glued to a closing quote ends parsing
        s.remove_prefix(1);
        continue;
      }
    }
    n = s.find(' ');
    if (n == std::string_view::npos) {
      add(name, Ref::View(s));
      break;
    }
    add(name, Ref::View(s.substr(0, n)));
    s.remove_prefix(n + 1);
  }
  kvs->reserve(pending.size());
  for (const auto& [name, value] : pending) kvs->emplace_back(name, value.Resolve(*scratch));
}

void AppendQuotedJsonString(std::string_view s, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t from = 0;
  for (size_t i = 0; i < s.size(); i++) {
    const auto c = static_cast<unsigned char>(s[i]);
    const char* rep = nullptr;
    char ubuf[7];
    switch (c) {
      case '\n': rep = "\\n"; break;
      case '\r': rep = "\\r"; break;
      case '\t': rep = "\\t"; break;
      case '\b': rep = "\\b"; break;
      case '\f': rep = "\\f"; break;
      case '"': rep = "\\\""; break;
      case '\\': rep = "\\\\"; break;
      case '<': rep = "\\u003c"; break;
      case '\'': rep = "\\u0027"; break;
      default:
        if (c < 0x20) {
          ubuf[0] = '\\'; ubuf[1] = 'u'; ubuf[2] = '0'; ubuf[3] = '0';
          ubuf[4] = kHex[c >> 4]; ubuf[5] = kHex[c & 15]; ubuf[6] = 0;
          rep = ubuf;
        }
    }
    if (!rep) continue;
    out->append(s.substr(from, i - from));
    out->append(rep);
    from = i + 1;
  }
  out->append(s.substr(from));
  out->push_back('"');
}

void AppendLogfmtPair(std::string_view name, std::string_view value, std::string* out) {
  out->append(name.empty() ? std::string_view("_msg") : name);
  out->push_back('=');
  bool quote = false;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == '"' || c == '\\') {
      quote = true;
      break;
    }
  }
  if (quote) {
    AppendQuotedJsonString(value, out);
  } else {
    out->append(value);
  }
}

void AppendLogfmtFields(const std::vector<TextField>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); i++) {
    if (i > 0) out->push_back(' ');
    AppendLogfmtPair(fields[i].first, fields[i].second, out);
  }
}

// ---- unpack_words ----------------------------------------------------------------------------

void UnpackWords(std::string_view in, bool drop_duplicates, std::string* out) {
  out->push_back('[');
  bool first = true;
  std::unordered_set<std::string_view> seen;
  vl::ForEachToken(in, [&](std::string_view w) {
    if (drop_duplicates && !seen.insert(w).second) return;
    if (!first) out->push_back(',');
    first = false;
    AppendQuotedJsonString(w, out);  // words never need escaping, but stay safe
  });
  out->push_back(']');
}

// ---- JSON arrays -----------------------------------------------------------------------------

int64_t JsonArrayLen(std::string_view s) {
  int64_t n = 0;
  if (!WalkJsonArray(s, false, [&](bool, std::string_view, const std::string&) { n++; })) return 0;
  return n;
}

bool ParseJsonArrayStrings(std::string_view s, std::vector<std::string>* out) {
  out->clear();
  const bool ok = WalkJsonArray(s, true, [&](bool is_string, std::string_view raw, const std::string& compact) {
    if (is_string) {
      std::string v;
      UnescapeJsonBestEffort(raw, &v);
      out->push_back(std::move(v));
    } else {
      out->push_back(compact);
    }
  });
  if (!ok) out->clear();
  return ok;
}

}  // namespace vl::logsql::pipes
