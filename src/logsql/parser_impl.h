// Internal: the LogsQL recursive-descent parser (filters NOT > AND > OR, pipes).
// Split over parser.cpp (entry, pipes, rewrites) and parser_filters.cpp (time, stream, functions).
#pragma once

#include <algorithm>
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

  // ---- filters ----

  // Filters: OR of AND-lists of terms; a term is NOT prefixes and then a parenthesized group or a
  // single filter, optionally after a `field:` prefix that sets the default field inside.
  //
  // Parenthesized groups are kept on an explicit stack rather than the C++ stack, so 100k nested
  // parentheses or NOTs cannot overflow it: redundant parentheses and NOT pairs add no tree
  // level, and a tree still deeper than kMaxFilterDepth after that is refused with a position.
  // Every other walk over the tree (simplify, print, clone, evaluate, split) recurses at most
  // that deep.
  static constexpr int kMaxFilterDepth = 1000;

  struct Group {
    std::string field;  // default field inside the parentheses
    bool negated = false;
    std::vector<std::unique_ptr<Filter>> or_terms;
    std::vector<std::unique_ptr<Filter>> and_terms;
  };

  bool IsNotPrefix() const {
    const Token& t = Cur();
    return (t.IsKeyword("not") && !Peek(1).IsPunct(":")) || t.IsPunct("-") || t.IsPunct("!");
  }

  // Appends `term` to `list`, splicing a node of the same kind (`a (b c)` is one AND).
  static void AddFlattened(std::vector<std::unique_ptr<Filter>>* list, std::unique_ptr<Filter> term, FilterKind kind) {
    if (term->kind != kind) {
      list->push_back(std::move(term));
      return;
    }
    for (auto& c : term->children) list->push_back(std::move(c));
  }

  // NOT of `f`; NOT of a NOT is its child, so `-(-(-(a)))` adds no levels.
  static std::unique_ptr<Filter> Negate(std::unique_ptr<Filter> f) {
    if (f->kind == FilterKind::kNot) return std::move(f->children[0]);
    auto n = Filter::Make(FilterKind::kNot);
    n->children.push_back(std::move(f));
    return n;
  }

  static std::unique_ptr<Filter> Combine(std::vector<std::unique_ptr<Filter>> terms, FilterKind kind) {
    if (terms.size() == 1) return std::move(terms[0]);
    auto f = Filter::Make(kind);
    f->children = std::move(terms);
    return f;
  }

  // Parses filters up to `|`, an unmatched `)` or the end, which are left to the caller.
  std::unique_ptr<Filter> ParseOr(const std::string& field) {
    std::vector<Group> stack;
    stack.push_back(Group{field, false, {}, {}});
    while (true) {
      Group& g = stack.back();
      const Token& t = Cur();
      if (AtEnd() || t.IsPunct("|") || t.IsPunct(")") || t.IsKeyword("or")) {
        if (g.and_terms.empty()) return FailNull(Unexpected(), "filter");
        AddFlattened(&g.or_terms, Combine(std::move(g.and_terms), FilterKind::kAnd), FilterKind::kOr);
        g.and_terms.clear();
        if (t.IsKeyword("or")) {
          Next();
          continue;
        }
        auto f = Combine(std::move(g.or_terms), FilterKind::kOr);
        if (stack.size() == 1) {
          if (TreeDepth(*f) > kMaxFilterDepth) {
            return FailNull("filters are nested deeper than " + std::to_string(kMaxFilterDepth) + " levels",
                            "a less nested query");
          }
          return f;
        }
        if (!t.IsPunct(")")) return FailNull(Unexpected(), "')'");
        Next();
        const bool negated = g.negated;
        stack.pop_back();
        AddFlattened(&stack.back().and_terms, MaybeNot(std::move(f), negated), FilterKind::kAnd);
        continue;
      }
      if (t.IsKeyword("and") && !Peek(1).IsPunct(":")) {
        Next();
        if (AtEnd() || Cur().IsPunct("|") || Cur().IsPunct(")") || Cur().IsKeyword("or")) {
          return FailNull(Unexpected(), "filter after 'and'");
        }
        continue;
      }
      std::unique_ptr<Filter> term;
      bool negated = false;
      if (!ParseTerm(g.field, &negated, &stack, &term)) return nullptr;
      if (term) AddFlattened(&stack.back().and_terms, MaybeNot(std::move(term), negated), FilterKind::kAnd);
    }
  }

  // One term: either a complete filter in *term, or an opened group pushed on *stack (*term
  // stays null). false on a syntax error.
  bool ParseTerm(std::string field, bool* negated, std::vector<Group>* stack, std::unique_ptr<Filter>* term) {
    bool after_field_prefix = false;
    while (true) {
      const Token& t = Cur();
      if (after_field_prefix) {
        // `field:` is followed by `(`, NOT prefixes (after which a field prefix may follow
        // again) or a value; `_time:` by a time filter.
        if (field == "_time") {
          *term = ParseTime();
          return *term != nullptr;
        }
        if (t.IsKeyword("not") || t.IsPunct("-") || t.IsPunct("!")) {
          after_field_prefix = false;
          continue;
        }
        if (!t.IsPunct("(")) {
          *term = ParseValueFilter(field);
          return *term != nullptr;
        }
      }
      if (IsNotPrefix()) {
        *negated = !*negated;
        Next();
        continue;
      }
      if (t.IsPunct("(")) {
        Next();
        stack->push_back(Group{field, *negated, {}, {}});
        return true;
      }
      if (after_field_prefix) break;
      if (t.kind == Token::Kind::kQuoted && Peek(1).IsPunct(":") && !Peek(1).space_before) {
        field = t.text.empty() ? "_msg" : t.text;
        Next();
        Next();
        after_field_prefix = true;
        continue;
      }
      if (t.kind == Token::Kind::kBare && !IsFuncCall()) {
        size_t save = i_;
        std::string name = ReadCompound(kStopColon);
        if (Cur().IsPunct(":") && !Cur().space_before) {
          Next();
          if (!name.empty() && name.back() == '*') {
            Fail("wildcard field names are not supported", "field name");
            return false;
          }
          field = name.empty() ? "_msg" : name;
          after_field_prefix = true;
          continue;
        }
        i_ = save;
      }
      break;
    }
    *term = ParseValueFilter(field);
    return *term != nullptr;
  }

  // Depth of the tree, without recursion (it may come from untrusted input).
  static int TreeDepth(const Filter& root) {
    int deepest = 0;
    std::vector<std::pair<const Filter*, int>> todo = {{&root, 1}};
    while (!todo.empty()) {
      auto [f, depth] = todo.back();
      todo.pop_back();
      deepest = std::max(deepest, depth);
      for (const auto& c : f->children) todo.emplace_back(c.get(), depth + 1);
    }
    return deepest;
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
    return f && neg ? Negate(std::move(f)) : std::move(f);
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
  // Source text of tokens [first, end) with single spaces where whitespace or comments were.
  std::string TokensText(size_t first, size_t end) const;
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

  bool ReadFieldName(std::string* name, unsigned flags = 0) {
    bool ok = true;
    *name = ReadValue(flags, &ok);
    if (Cur().IsPunct("*") && !Cur().space_before) {
      Next();
      *name += "*";
      ok = true;
    }
    return ok;
  }

  // `(a, b)` or `a, b` field lists. With kStopColon an unquoted `:` ends a name (a bucket).
  bool ReadFieldList(std::vector<std::string>* out, bool parens, unsigned flags = 0) {
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
      if (!ReadFieldName(&name, flags)) return Fail(Unexpected(), "field name").ok();
      if ((flags & kStopColon) && Cur().IsPunct(":")) {
        // `by (_time:1h)`, `by (bytes:10KB)`, `by (ip:/24)`: answered wrongly (one group) would
        // be worse than refused.
        return Fail("grouping by buckets (`" + name + ":...`) is not supported yet", "field name").ok();
      }
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
