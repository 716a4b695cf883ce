#include "vl/logsql/lexer.h"

#include "vl/common/utf8.h"

#include "vl/common/stream.h"

#include <cctype>

namespace vl::logsql {

bool Token::IsKeyword(std::string_view kw) const {
  if (kind != Kind::kBare || text.size() != kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != kw[i]) return false;
  }
  return true;
}

bool IsBareChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c >= 0x80; }

namespace {

std::string PosError(std::string_view text, size_t pos, std::string_view what) {
  return "cannot parse query [" + std::string(text) + "]: " + std::string(what) + " at position " +
         std::to_string(pos + 1);
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads a quoted string starting at text[i] (the quote). On success sets *out and *next.
bool ReadQuoted(std::string_view text, size_t i, std::string* out, size_t* next, std::string* err) {
  char q = text[i];
  ++i;
  if (q == '`') {
    size_t e = text.find('`', i);
    if (e == std::string_view::npos) {
      *err = "missing closing quote";
      return false;
    }
    out->assign(text.substr(i, e - i));
    *next = e + 1;
    return true;
  }
  while (i < text.size()) {
    char c = text[i];
    if (c == q) {
      *next = i + 1;
      return true;
    }
    if (c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) break;
    char e = text[i + 1];
    i += 2;
    switch (e) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'r': out->push_back('\r'); break;
      case 'a': out->push_back('\a'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'v': out->push_back('\v'); break;
      case '\\': out->push_back('\\'); break;
      case '"': out->push_back('"'); break;
      case '\'': out->push_back('\''); break;
      case '`': out->push_back('`'); break;
      case 'x': {
        if (i + 2 > text.size() || HexVal(text[i]) < 0 || HexVal(text[i + 1]) < 0) {
          *err = "invalid \\x escape";
          return false;
        }
        out->push_back(static_cast<char>(HexVal(text[i]) * 16 + HexVal(text[i + 1])));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        size_t n = e == 'u' ? 4 : 8;
        if (i + n > text.size()) {
          *err = "invalid unicode escape";
          return false;
        }
        uint32_t cp = 0;
        for (size_t k = 0; k < n; ++k) {
          int v = HexVal(text[i + k]);
          if (v < 0) {
            *err = "invalid unicode escape";
            return false;
          }
          cp = cp * 16 + static_cast<uint32_t>(v);
        }
        AppendUtf8(cp, out);
        i += n;
        break;
      }
      default:
        if (e >= '0' && e <= '7' && i + 1 < text.size()) {  // octal \NNN
          int v = (e - '0') * 64 + (text[i] - '0') * 8 + (text[i + 1] - '0');
          out->push_back(static_cast<char>(v));
          i += 2;
          break;
        }
        *err = std::string("invalid escape \\") + e;
        return false;
    }
  }
  *err = "missing closing quote";
  return false;
}

}  // namespace

Result<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> out;
  size_t i = 0;
  bool space = false;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      space = true;
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      space = true;
      continue;
    }
    Token t;
    t.pos = i;
    t.space_before = space;
    space = false;
    if (IsBareChar(c)) {
      size_t s = i;
      while (i < text.size() && IsBareChar(static_cast<unsigned char>(text[i]))) ++i;
      t.kind = Token::Kind::kBare;
      t.text.assign(text.substr(s, i - s));
    } else if (c == '"' || c == '\'' || c == '`') {
      std::string err;
      size_t next = 0;
      if (!ReadQuoted(text, i, &t.text, &next, &err)) {
        return Status::InvalidArgument(PosError(text, i, err));
      }
      t.kind = Token::Kind::kQuoted;
      i = next;
    } else {
      t.kind = Token::Kind::kPunct;
      size_t n = 1;
      if (i + 1 < text.size()) {
        char d = text[i + 1];
        if ((c == '!' && (d == '=' || d == '~')) || (c == '=' && d == '~') ||
            ((c == '>' || c == '<') && d == '=')) {
          n = 2;
        }
      }
      t.text.assign(text.substr(i, n));
      i += n;
    }
    t.end = i;
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = Token::Kind::kEnd;
  end.pos = end.end = text.size();
  end.space_before = space;
  out.push_back(std::move(end));
  return out;
}

std::string QuoteLogsql(std::string_view s) { return QuoteString(s); }

}  // namespace vl::logsql

namespace vl::logsql {

namespace {
constexpr std::string_view kPipeNames[] = {
    "block_stats", "blocks_count", "collapse_nums", "copy", "cp", "decolorize", "delete", "del", "rm", "drop",
    "drop_empty_fields", "extract", "extract_regexp", "facets", "field_names", "field_values", "fields", "keep",
    "filter", "where", "first", "format", "join", "json_array_len", "hash", "last", "len", "limit", "head", "math",
    "eval", "offset", "skip", "pack_json", "pack_logfmt", "rename", "mv", "replace", "replace_regexp", "sample",
    "sort", "order", "stats", "stream_context", "top", "union", "uniq", "unpack_json", "unpack_logfmt",
    "unpack_syslog", "unpack_words", "unroll"};
constexpr std::string_view kStatsFuncs[] = {
    "count", "count_empty", "count_uniq", "count_uniq_hash", "sum", "avg", "min", "max", "median", "quantile",
    "histogram", "rate", "rate_sum", "row_any", "row_min", "row_max", "sum_len", "uniq_values", "values",
    "json_values"};
constexpr std::string_view kOtherReserved[] = {
    "and", "or", "not", "options", "in", "i", "exact", "re", "seq", "range", "contains_all", "contains_any",
    "ipv4_range", "string_range", "len_range", "value_type", "eq_field", "le_field", "lt_field", "by", "as",
    "if", "desc", "asc", "offset", "limit"};
}  // namespace

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsPipeName(std::string_view lower) {
  for (auto n : kPipeNames) {
    if (n == lower) return true;
  }
  return false;
}

bool IsStatsFuncName(std::string_view lower) {
  for (auto n : kStatsFuncs) {
    if (n == lower) return true;
  }
  return false;
}

bool IsReservedWord(std::string_view word) {
  std::string l = ToLowerAscii(word);
  if (IsPipeName(l) || IsStatsFuncName(l)) return true;
  for (auto n : kOtherReserved) {
    if (n == l) return true;
  }
  return false;
}

std::string QuoteIfNeeded(std::string_view s) {
  bool bare = !s.empty();
  for (unsigned char c : s) {
    if (!IsBareChar(c)) {
      bare = false;
      break;
    }
  }
  if (bare && !IsReservedWord(s)) return std::string(s);
  return QuoteLogsql(s);
}

}  // namespace vl::logsql
