// Internal: the LogsQL parser's cursor over tokens: where it is, what comes next, compound
// values glued from adjacent tokens, and errors that name the position.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql {
namespace parser_internal {

inline constexpr unsigned kStopColon = 1;  // `:` ends a compound (field-name position)
inline constexpr unsigned kStopOps = 2;    // `=`, `!=`, `=~`, `!~` end a compound (stream filters)

// Public: the pipe and stats-function parsers (pipes/*.cpp, stats/*.cpp) read through it too.
class Cursor {
 public:
  Cursor(std::string_view text, std::vector<Token> toks) : text_(text), t_(std::move(toks)) {}

  const Token& Cur() const { return t_[i_]; }
  const Token& Peek(size_t k) const { return t_[std::min(i_ + k, t_.size() - 1)]; }
  void Next() {
    if (i_ + 1 < t_.size()) ++i_;
  }
  bool AtEnd() const { return Cur().kind == Token::Kind::kEnd; }
  // Next token is directly attached (no whitespace) and not the end.
  bool Glued() const { return !AtEnd() && !Cur().space_before; }

  std::string Unexpected() const {
    if (AtEnd()) return "unexpected end of query";
    return "unexpected token \"" + std::string(text_.substr(Cur().pos, Cur().end - Cur().pos)) + "\"";
  }
  Status Fail(const std::string& what, const std::string& expected) {
    if (err_.ok()) {
      // The query is echoed for context, cut short: a 5 MB query must not make a 5 MB error.
      constexpr size_t kEchoBytes = 1024;
      std::string echo(text_.substr(0, kEchoBytes));
      if (text_.size() > kEchoBytes) echo += "...";
      err_ = Status::InvalidArgument("cannot parse query [" + echo + "]: " + what + " at position " +
                                     std::to_string(Cur().pos + 1) + "; expected " + expected);
    }
    return err_;
  }
  std::nullptr_t FailNull(const std::string& what, const std::string& expected) {
    Fail(what, expected);
    return nullptr;
  }

  static bool IsStopPunct(const Token& t, unsigned flags) {
    if (t.kind != Token::Kind::kPunct) return false;
    const std::string& p = t.text;
    if (p == "*" || p == "," || p == "(" || p == ")" || p == "[" || p == "]" || p == "|" || p == "{" || p == "}") {
      return true;
    }
    if ((flags & kStopColon) && p == ":") return true;
    if ((flags & kStopOps) && (p == "=" || p == "!=" || p == "=~" || p == "!~")) return true;
    return false;
  }

  // Glues bare/punct tokens with no whitespace between them. Empty when the current token can't start one.
  std::string ReadCompound(unsigned flags) {
    std::string out;
    if (AtEnd() || Cur().kind == Token::Kind::kQuoted || IsStopPunct(Cur(), flags)) return out;
    out = Cur().text;
    Next();
    while (Glued() && Cur().kind != Token::Kind::kQuoted && !IsStopPunct(Cur(), flags)) {
      out += Cur().text;
      Next();
    }
    return out;
  }

  // A quoted string or a compound bare value. Sets *ok=false when neither is present.
  std::string ReadValue(unsigned flags, bool* ok) {
    *ok = true;
    if (Cur().kind == Token::Kind::kQuoted) {
      std::string v = Cur().text;
      Next();
      return v;
    }
    std::string v = ReadCompound(flags);
    if (v.empty()) *ok = false;
    return v;
  }

  bool ReadUint(uint64_t* n) {
    if (Cur().kind != Token::Kind::kBare) return false;
    uint64_t v = 0;
    bool digits = false;
    for (char c : Cur().text) {
      if (c == '_') continue;
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
      digits = true;
    }
    if (!digits) return false;
    *n = v;
    Next();
    return true;
  }

  // Source text of tokens [first, end) with single spaces where whitespace or comments were.
  std::string TokensText(size_t first, size_t end) const {
    // From the tokens, not the source span: whitespace and comments between them (a `#` comment
    // runs to the end of its line) become one space.
    std::string out;
    for (size_t k = first; k < end; ++k) {
      if (k > first && t_[k].space_before) out.push_back(' ');
      out.append(text_.substr(t_[k].pos, t_[k].end - t_[k].pos));
    }
    return out;
  }

  // Position of the current token in the tokens (for TokensText).
  size_t index() const { return i_; }
  // The query text, and a way to continue after a part of it read by another parser (the
  // `math` expression parser reads text, not tokens).
  std::string_view text() const { return text_; }
  void SkipToByte(size_t offset) {
    while (!AtEnd() && Cur().pos < offset) Next();
  }

 protected:
  std::string_view text_;
  std::vector<Token> t_;
  size_t i_ = 0;
  Status err_;  // the first error; later ones keep it
};

}  // namespace parser_internal
}  // namespace vl::logsql
