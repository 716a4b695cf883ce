// Internal: the LogsQL recursive-descent parser (filters NOT > AND > OR, pipes).
// Split over parser.cpp (entry, pipes, rewrites) and parser_filters.cpp (time, stream, functions);
// the token cursor it reads with is parser_cursor.h.
#pragma once

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"
#include "vl/logsql/query.h"
#include "filters/filters.h"
#include "parser_cursor.h"

namespace vl::logsql {
namespace parser_internal {

inline int64_t SatSub(int64_t a, int64_t b) {
  if (a == INT64_MIN || a == INT64_MAX) return a;
  if (b > 0 && a < INT64_MIN + b) return INT64_MIN;
  if (b < 0 && a > INT64_MAX + b) return INT64_MAX;
  return a - b;
}

class Parser : public Cursor {
 public:
  Parser(std::string_view text, std::vector<Token> toks, int64_t now) : Cursor(text, std::move(toks)), now_(now) {}

  Result<std::unique_ptr<Query>> Run() {
    auto q = ParseQueryBody(QueryOptions{}, /*subquery=*/false);
    if (!q) return err_;
    q->UpdateRateStep();
    return q;
  }

  // Everything below is used by the parser's own files and by the pipe and stats-function
  // parsers in pipes/ and stats/.

  // `[options(...)] filter [| pipe ...]` up to the end, or for a subquery up to (not
  // including) its closing `)`. Subqueries inherit the options of the query around them.
  std::unique_ptr<Query> ParseQueryBody(const QueryOptions& inherited, bool subquery) {
    QueryOptions options = inherited;
    if (Cur().IsKeyword("options") && Peek(1).IsPunct("(") && !ParseOptions(&options)) return nullptr;
    const Token& first = Cur();
    if (first.kind == Token::Kind::kBare && !Peek(1).IsPunct(":")) {
      std::string l = ToLowerAscii(first.text);
      if (IsPipeName(l) || IsStatsFuncName(l)) {
        return FailNull("query cannot start with pipe name \"" + first.text + "\"", "filter (quote the word to search it)");
      }
    }
    const QueryOptions saved = options_;
    options_ = options;  // for subqueries nested in this one
    auto f = ParseOr("_msg");
    if (!f) return nullptr;
    std::vector<std::unique_ptr<Pipe>> pipes;
    while (!AtEnd() && !(subquery && Cur().IsPunct(")"))) {
      if (!Cur().IsPunct("|")) return FailNull(Unexpected(), subquery ? "'|' or ')'" : "'|' or end of query");
      Next();
      auto p = ParsePipe();
      if (!p) return nullptr;
      pipes.push_back(std::move(p));
    }
    options_ = saved;
    Rewrite(&f, &pipes);
    return std::make_unique<Query>(std::move(f), std::move(pipes), options);
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
  template <typename Kind>
  static void AddFlattened(std::vector<std::unique_ptr<Filter>>* list, std::unique_ptr<Filter> term) {
    if (!filters::As<Kind>(*term)) {
      list->push_back(std::move(term));
      return;
    }
    for (auto& c : term->mutable_children()) list->push_back(std::move(c));
  }

  // NOT of `f`; NOT of a NOT is its child, so `-(-(-(a)))` adds no levels.
  static std::unique_ptr<Filter> Negate(std::unique_ptr<Filter> f) {
    if (filters::As<filters::NotFilter>(*f)) return std::move(f->mutable_children()[0]);
    return std::make_unique<filters::NotFilter>(std::move(f));
  }

  template <typename Kind>
  static std::unique_ptr<Filter> Combine(std::vector<std::unique_ptr<Filter>> terms) {
    if (terms.size() == 1) return std::move(terms[0]);
    return std::make_unique<Kind>(std::move(terms));
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
        AddFlattened<filters::OrFilter>(&g.or_terms, Combine<filters::AndFilter>(std::move(g.and_terms)));
        g.and_terms.clear();
        if (t.IsKeyword("or")) {
          Next();
          continue;
        }
        auto f = Combine<filters::OrFilter>(std::move(g.or_terms));
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
        AddFlattened<filters::AndFilter>(&stack.back().and_terms, MaybeNot(std::move(f), negated));
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
      if (term) AddFlattened<filters::AndFilter>(&stack.back().and_terms, MaybeNot(std::move(term), negated));
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
      for (const auto& c : f->children()) todo.emplace_back(c.get(), depth + 1);
    }
    return deepest;
  }

  // `name(` or, for functions that allow it, `name[`, with nothing between.
  bool IsFuncCall() const {
    const Token& t = Cur();
    if (t.kind != Token::Kind::kBare) return false;
    const Token& n = Peek(1);
    if (n.space_before) return false;
    const filters::FilterFunc* fn = filters::FindFilterFunc(ToLowerAscii(t.text));
    return fn && (n.IsPunct("(") || (fn->allows_brackets && n.IsPunct("[")));
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
      if (field == "_msg") return MakeMatchAllFilter();
      return filters::MakeAnyValueFilter(field);
    }
    if (t.IsPunct("=") || t.IsPunct("!=")) {
      bool neg = t.IsPunct("!=");
      Next();
      std::string v = ReadValue(0, &ok);
      if (!ok && !Cur().IsPunct("*")) return FailNull(Unexpected(), "value for exact filter");
      if (Cur().IsPunct("*") && !Cur().space_before) {
        Next();
        return MaybeNot(filters::MakeExactPrefixFilter(field, v), neg);
      }
      return MaybeNot(filters::MakeExactFilter(field, v), neg);
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
    if (IsFuncCall()) return ParseFunc(field);
    if (t.kind == Token::Kind::kQuoted) {
      std::string v = t.text;
      Next();
      if (Cur().IsPunct("*") && !Cur().space_before) {
        Next();
        return filters::MakePrefixFilter(field, v);
      }
      return filters::MakePhraseFilter(field, v);
    }
    if (t.kind == Token::Kind::kBare && t.IsKeyword("and")) return FailNull(Unexpected(), "filter");
    std::string v = ReadCompound(0);
    if (v.empty()) return FailNull(Unexpected(), "filter");
    if (Cur().IsPunct("*") && !Cur().space_before) {
      Next();
      if (Cur().IsPunct(":") && !Cur().space_before) {
        return FailNull("wildcard field names are not supported", "filter");
      }
      return filters::MakePrefixFilter(field, v);
    }
    return filters::MakePhraseFilter(field, v);
  }

  static std::unique_ptr<Filter> MaybeNot(std::unique_ptr<Filter> f, bool neg) {
    return f && neg ? Negate(std::move(f)) : std::move(f);
  }

  std::unique_ptr<Filter> MakeRegexp(const std::string& field, const std::string& pattern) {
    std::string err;
    auto f = filters::MakeRegexpFilter(field, pattern, &err);
    if (!f) return FailNull(err, "valid RE2 regexp");
    return f;
  }

  // A function-syntax filter (`in(...)`, `range[a, b)`, ...; see filters/builtin.cpp).
  std::unique_ptr<Filter> ParseFunc(const std::string& field);
  // Plain arguments up to the closing `)`/`]`; false (cursor wherever it stopped) when the
  // list holds something else, e.g. a subquery.
  bool ParseFuncArgs(filters::FilterCall* call);
  // `<query>)`: a subquery up to and including the closing `)`; `one_field` requires it to end
  // in `| fields x` (the value-list subqueries of filters).
  std::unique_ptr<Query> ParseSubquery(bool one_field = true);
  // `options(concurrency=N, ignore_global_time_filter=true)` at the start of a (sub)query.
  bool ParseOptions(QueryOptions* options);
  // `>N`, `>=N`, `<N`, `<=N` (filters/comparison.cpp).
  std::unique_ptr<Filter> ParseComparison(const std::string& field);
  std::unique_ptr<Filter> ParseStream();
  // `_time:day_range[...]` / `_time:week_range[...]` [offset d].
  std::unique_ptr<Filter> ParseDayOrWeekRange(bool week);
  // Start and last nanosecond of a time value inside `_time:` filters.
  bool TimeValue(const std::string& s, int64_t* start, int64_t* end);
  std::unique_ptr<Filter> ParseTime();
  static std::string RE2QuoteMeta(const std::string& s);

  // ---- pipes ----

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

  // `(a, b)` or `a, b` field lists.
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

  std::unique_ptr<Pipe> ParsePipe();
  void Rewrite(std::unique_ptr<Filter>* f, std::vector<std::unique_ptr<Pipe>>* pipes);

  int64_t now() const { return now_; }

 private:

  int64_t now_;
  QueryOptions options_;  // of the (sub)query being parsed
  static constexpr int kMaxSubqueryDepth = 10;
  int subquery_depth_ = 0;
};

}  // namespace parser_internal
}  // namespace vl::logsql
