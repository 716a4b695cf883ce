// LogsQL lexer: splits query text into bare words, quoted strings and punctuation.
// Compound values (`foo-bar`, `/api/v1`) are glued by the parser from adjacent tokens
// that have no whitespace between them (see Token::space_before).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"

namespace vl::logsql {

struct Token {
  enum class Kind { kBare, kQuoted, kPunct, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;        // unescaped value for quoted strings
  size_t pos = 0;          // byte offset in the query
  size_t end = 0;          // byte offset just past the token
  bool space_before = false;  // whitespace or a comment precedes the token

  bool IsPunct(std::string_view p) const { return kind == Kind::kPunct && text == p; }
  // Case-insensitive keyword test; quoted tokens are never keywords.
  bool IsKeyword(std::string_view kw) const;
};

// Tokenizes the whole query; the last token is always kEnd.
Result<std::vector<Token>> Lex(std::string_view text);

// Byte that may appear inside a bare token (letters, digits, '_', '.', any non-ASCII byte).
bool IsBareChar(unsigned char c);

// Go-style double-quoted string that Lex() reads back to `s`.
std::string QuoteLogsql(std::string_view s);

// Lowercase name of a pipe (or alias) / stats function; such words may not start a query.
bool IsPipeName(std::string_view lower);
bool IsStatsFuncName(std::string_view lower);
// Words that must be quoted when printed as values or field names.
bool IsReservedWord(std::string_view word);
// `s` as-is when it lexes back as one bare non-reserved token, else QuoteLogsql(s).
std::string QuoteIfNeeded(std::string_view s);
std::string ToLowerAscii(std::string_view s);

}  // namespace vl::logsql
