// Internal: the LogsQL recursive-descent parser (filters NOT > AND > OR, pipes).
// Split over parser.cpp (entry, pipes, rewrites) and parser_filters.cpp (time, stream, functions).
#pragma once

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"
#include "vl/logsql/query.h"

namespace vl::logsql {
namespace parser_internal {

inline constexpr unsigned kStopColon = 1;  // `:` ends a compound (field-name position)
inline constexpr unsigned kStopOps = 2;    // `=`, `!=`, `=~`, `!~` end a compound (stream filters)

inline int64_t SatSub(int64_t a, int64_t b) {
  if (a == INT64_MIN || a == INT64_MAX) return a;
  if (b > 0 && a < INT64_MIN + b) return INT64_MIN;
  if (b < 0 && a > INT64_MAX + b) return INT64_MAX;
  return a - b;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> toks, int64_t now)
      : text_(text), t_(std::move(toks)), now_(now) {}

  Result<std::unique_ptr<Query>> Run() {
    const Token& first = Cur();
    if (first.kind == Token::Kind::kBare && !Peek(1).IsPunct(":")) {
      std::string l = ToLowerAscii(first.text);
      if (IsPipeName(l) || IsStatsFuncName(l)) {
        return Fail("query cannot start with pipe name \"" + first.text + "\"", "filter (quote the word to search it)");
      }
    }
    auto f = ParseOr("_msg");
    if (!f) return err_;
    std::vector<std::unique_ptr<PipeSpec>> pipes;
    while (!AtEnd()) {
      if (!Cur().IsPunct("|")) return Fail(Unexpected(), "'|' or end of query");
      Next();
      auto p = ParsePipe();
      if (!p) return err_;
      pipes.push_back(std::move(p));
    }
    Rewrite(&f, &pipes);
    return std::make_unique<Query>(std::move(f), std::move(pipes));
  }

 private:
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
      err_ = Status::InvalidArgument("cannot parse query [" + std::string(text_) + "]: " + what + " at position " +
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

  // ---- filters ----

  std::unique_ptr<Filter> ParseOr(const std::string& field) {
    auto first = ParseAnd(field);
    if (!first) return nullptr;
    if (!Cur().IsKeyword("or")) return first;
    auto f = Filter::Make(FilterKind::kOr);
    f->children.push_back(std::move(first));
    while (Cur().IsKeyword("or")) {
      Next();
      auto c = ParseAnd(field);
      if (!c) return nullptr;
      f->children.push_back(std::move(c));
    }
    return f;
  }

  std::unique_ptr<Filter> ParseAnd(const std::string& field) {
    std::vector<std::unique_ptr<Filter>> list;
    while (true) {
      const Token& t = Cur();
      if (AtEnd() || t.IsPunct("|") || t.IsPunct(")") || t.IsKeyword("or")) break;
      if (t.IsKeyword("and") && !Peek(1).IsPunct(":")) {
        Next();
        if (AtEnd() || Cur().IsPunct("|") || Cur().IsPunct(")") || Cur().IsKeyword("or")) {
          return FailNull(Unexpected(), "filter after 'and'");
        }
        continue;
      }
      auto c = ParseUnary(field);
      if (!c) return nullptr;
      list.push_back(std::move(c));
    }
    if (list.empty()) return FailNull(Unexpected(), "filter");
    if (list.size() == 1) return std::move(list[0]);
    auto f = Filter::Make(FilterKind::kAnd);
    f->children = std::move(list);
    return f;
  }

  std::unique_ptr<Filter> ParseUnary(const std::string& field) {
    const Token& t = Cur();
    if ((t.IsKeyword("not") && !Peek(1).IsPunct(":")) || t.IsPunct("-") || t.IsPunct("!")) {
      Next();
      auto c = ParseUnary(field);
      if (!c) return nullptr;
      auto f = Filter::Make(FilterKind::kNot);
      f->children.push_back(std::move(c));
      return f;
    }
    return ParsePrimary(field);
  }

  // `( filters )` with `field` as the default field inside; the current token is `(`.
  std::unique_ptr<Filter> ParseParenthesized(const std::string& field) {
    Next();
    auto f = ParseOr(field);
    if (!f) return nullptr;
    if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "')'");
    Next();
    return f;
  }

  std::unique_ptr<Filter> ParsePrimary(const std::string& field) {
    const Token& t = Cur();
    if (t.IsPunct("(")) return ParseParenthesized(field);
    if (t.kind == Token::Kind::kQuoted && Peek(1).IsPunct(":") && !Peek(1).space_before) {
      std::string name = t.text;
      Next();
      Next();
      return ParseFieldValue(name);
    }
    if (t.kind == Token::Kind::kBare && !IsFuncCall()) {
      size_t save = i_;
      std::string name = ReadCompound(kStopColon);
      if (Cur().IsPunct(":") && !Cur().space_before) {
        Next();
        if (!name.empty() && name.back() == '*') return FailNull("wildcard field names are not supported", "field name");
        return ParseFieldValue(name);
      }
      i_ = save;
    }
    return ParseValueFilter(field);
  }

  bool IsFuncCall() const {
    const Token& t = Cur();
    if (t.kind != Token::Kind::kBare) return false;
    const Token& n = Peek(1);
    if (!n.IsPunct("(") || n.space_before) return false;
    std::string l = ToLowerAscii(t.text);
    return l == "i" || l == "exact" || l == "re" || l == "in" || l == "seq" || l == "range" || l == "contains_all" ||
           l == "contains_any" || l == "ipv4_range" || l == "string_range" || l == "len_range" ||
           l == "value_type" || l == "eq_field" || l == "le_field" || l == "lt_field";
  }

  std::unique_ptr<Filter> ParseFieldValue(std::string field) {
    if (field.empty()) field = "_msg";
    if (field == "_time") return ParseTime();
    if (Cur().IsPunct("(")) return ParseParenthesized(field);
    if (Cur().IsKeyword("not") || Cur().IsPunct("-") || Cur().IsPunct("!")) return ParseUnary(field);
    return ParseValueFilter(field);
  }

  std::unique_ptr<Filter> ParseValueFilter(const std::string& field) {
    const Token& t = Cur();
    bool ok = true;
    if (t.IsPunct("{")) {
      if (field != "_msg" && field != "_stream") {
        return FailNull("stream filter is allowed only for _stream field", "filter value");
      }
      return ParseStream();
    }
    if (t.IsPunct("*")) {
      Next();
      if (field == "_msg") return Filter::Make(FilterKind::kMatchAll);
      return Filter::Make(FilterKind::kAnyValue, field);
    }
    if (t.IsPunct("=") || t.IsPunct("!=")) {
      bool neg = t.IsPunct("!=");
      Next();
      std::string v = ReadValue(0, &ok);
      if (!ok && !Cur().IsPunct("*")) return FailNull(Unexpected(), "value for exact filter");
      FilterKind kind = FilterKind::kExact;
      if (Cur().IsPunct("*") && !Cur().space_before) {
        Next();
        kind = FilterKind::kExactPrefix;
      }
      return MaybeNot(Filter::Make(kind, field, v), neg);
    }
    if (t.IsPunct("~") || t.IsPunct("!~")) {
      bool neg = t.IsPunct("!~");
      Next();
      std::string v = ReadValue(0, &ok);
      if (!ok) return FailNull(Unexpected(), "regexp");
      return MaybeNot(MakeRegexp(field, v), neg);
    }
    if (t.IsPunct(">") || t.IsPunct("<") || t.IsPunct(">=") || t.IsPunct("<=")) {
      return ParseComparison(field);
    }
    if (t.kind == Token::Kind::kBare && ToLowerAscii(t.text) == "range" && Peek(1).IsPunct("[") &&
        !Peek(1).space_before) {
      return ParseRange(field);
    }
    if (IsFuncCall()) return ParseFunc(field);
    if (t.kind == Token::Kind::kQuoted) {
      std::string v = t.text;
      Next();
      if (Cur().IsPunct("*") && !Cur().space_before) {
        Next();
        if (v.empty()) return field == "_msg" ? Filter::Make(FilterKind::kMatchAll)
                                              : Filter::Make(FilterKind::kAnyValue, field);
        return Filter::Make(FilterKind::kPrefix, field, v);
      }
      if (v.empty()) return Filter::Make(FilterKind::kEmptyValue, field);
      return Filter::Make(FilterKind::kPhrase, field, v);
    }
    if (t.kind == Token::Kind::kBare && t.IsKeyword("and")) return FailNull(Unexpected(), "filter");
    std::string v = ReadCompound(0);
    if (v.empty()) return FailNull(Unexpected(), "filter");
    if (Cur().IsPunct("*") && !Cur().space_before) {
      Next();
      if (Cur().IsPunct(":") && !Cur().space_before) {
        return FailNull("wildcard field names are not supported", "filter");
      }
      return Filter::Make(FilterKind::kPrefix, field, v);
    }
    return Filter::Make(FilterKind::kPhrase, field, v);
  }

  static std::unique_ptr<Filter> MaybeNot(std::unique_ptr<Filter> f, bool neg) {
    if (!f || !neg) return f;
    auto n = Filter::Make(FilterKind::kNot);
    n->children.push_back(std::move(f));
    return n;
  }

  std::unique_ptr<Filter> MakeRegexp(const std::string& field, const std::string& pattern) {
    std::string err;
    auto re = CompileRegexp(pattern, &err);
    if (!re) return FailNull("invalid regexp \"" + pattern + "\": " + err, "valid RE2 regexp");
    auto f = Filter::Make(FilterKind::kRegexp, field, pattern);
    f->re = std::move(re);
    return f;
  }

  // i(...), exact(...), re(...), in(...)


  std::unique_ptr<Filter> ParseFunc(const std::string& field);
  // `>N`, `>=N`, `<N`, `<=N` and `range(a, b)` / `range[a, b)` ... (filter_range.h).
  std::unique_ptr<Filter> ParseComparison(const std::string& field);
  std::unique_ptr<Filter> ParseRange(const std::string& field);
  std::unique_ptr<Filter> ParseStream();
  // Start and last nanosecond of a time value inside `_time:` filters.
  bool TimeValue(const std::string& s, int64_t* start, int64_t* end);
  std::unique_ptr<Filter> ParseTime();
  static std::string NormalizeSpaces(std::string_view s);
  static std::string RE2QuoteMeta(const std::string& s);

  // ---- pipes ----

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

  bool ReadFieldName(std::string* name) {
    bool ok = true;
    *name = ReadValue(0, &ok);
    if (Cur().IsPunct("*") && !Cur().space_before) {
      Next();
      *name += "*";
      ok = true;
    }
    return ok;
  }

  // `(a, b)` or `a, b` field lists.
  bool ReadFieldList(std::vector<std::string>* out, bool parens) {
    if (parens) {
      if (!Cur().IsPunct("(")) return Fail(Unexpected(), "'('").ok();
      Next();
      if (Cur().IsPunct(")")) {
        Next();
        return true;
      }
    }
    while (true) {
      std::string name;
      if (!ReadFieldName(&name)) return Fail(Unexpected(), "field name").ok();
      out->push_back(name);
      if (Cur().IsPunct(",")) {
        Next();
        continue;
      }
      break;
    }
    if (parens) {
      if (!Cur().IsPunct(")")) return Fail(Unexpected(), "',' or ')'").ok();
      Next();
    }
    return true;
  }

  std::unique_ptr<PipeSpec> ParsePipe();
  std::unique_ptr<PipeSpec> ParseStats();
  void Rewrite(std::unique_ptr<Filter>* f, std::vector<std::unique_ptr<PipeSpec>>* pipes);

  std::string_view text_;
  std::vector<Token> t_;
  size_t i_ = 0;
  int64_t now_;
  Status err_;
};

}  // namespace parser_internal
}  // namespace vl::logsql
