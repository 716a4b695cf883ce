// Recursive-descent LogsQL parser: filters (NOT > AND > OR) and pipes.
#include <cctype>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"
#include "vl/logsql/query.h"
#include "parser_impl.h"

namespace vl::logsql {

namespace parser_internal {


std::unique_ptr<PipeSpec> Parser::ParsePipe() {
  if (AtEnd()) return FailNull(Unexpected(), "pipe name");
  auto p = std::make_unique<PipeSpec>();
  const std::string name = Cur().kind == Token::Kind::kBare ? ToLowerAscii(Cur().text) : "";
  const bool is_call = Peek(1).IsPunct("(");
  if (name == "limit" || name == "head") {
    Next();
    p->kind = PipeKind::kLimit;
    p->n = 10;
    if (Cur().kind == Token::Kind::kBare && !ReadUint(&p->n)) return FailNull(Unexpected(), "number of rows");
  } else if (name == "offset" || name == "skip") {
    Next();
    p->kind = PipeKind::kOffset;
    if (!ReadUint(&p->n)) return FailNull(Unexpected(), "number of rows to skip");
  } else if (name == "fields" || name == "keep") {
    Next();
    p->kind = PipeKind::kFields;
    if (!ReadFieldList(&p->fields, Cur().IsPunct("("))) return nullptr;
    if (p->fields.empty()) return FailNull(Unexpected(), "field name");
  } else if (name == "sort" || name == "order") {
    Next();
    p->kind = PipeKind::kSort;
    if (Cur().IsKeyword("by")) Next();
    if (!Cur().IsPunct("(")) return FailNull(Unexpected(), "'(' with sort fields");
    Next();
    while (!Cur().IsPunct(")")) {
      SortField sf;
      if (!ReadFieldName(&sf.name)) return FailNull(Unexpected(), "sort field name");
      if (Cur().IsKeyword("desc")) {
        sf.desc = true;
        Next();
      } else if (Cur().IsKeyword("asc")) {
        Next();
      }
      p->sort_by.push_back(std::move(sf));
      if (Cur().IsPunct(",")) Next();
      else if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "',' or ')'");
    }
    Next();
    if (p->sort_by.empty()) return FailNull("sort requires at least one field", "field name");
    while (true) {
      if (Cur().IsKeyword("desc")) {
        p->sort_desc = true;
        Next();
      } else if (Cur().IsKeyword("asc")) {
        Next();
      } else if (Cur().IsKeyword("offset")) {
        Next();
        if (!ReadUint(&p->sort_offset)) return FailNull(Unexpected(), "offset value");
      } else if (Cur().IsKeyword("limit")) {
        Next();
        if (!ReadUint(&p->sort_limit)) return FailNull(Unexpected(), "limit value");
      } else {
        break;
      }
    }
  } else if (name == "stats") {
    Next();
    return ParseStats();
  } else if (name == "stats_remote") {  // internal: partial states for a cluster router
    Next();
    auto stats = ParseStats();
    if (stats) stats->stats_mode = StatsMode::kRemote;
    return stats;
  } else if (IsStatsFuncName(name) && is_call) {
    return ParseStats();
  } else if (name == "filter" || name == "where") {
    Next();
    p->kind = PipeKind::kFilter;
    p->filter = ParseOr("_msg");
    if (!p->filter) return nullptr;
  } else if (IsPipeName(name)) {
    return FailNull("unsupported pipe \"" + name + "\"", "supported pipe");
  } else {
    if (Cur().IsPunct("|")) return FailNull(Unexpected(), "pipe name");
    p->kind = PipeKind::kFilter;  // `| filter` keyword omitted
    p->filter = ParseOr("_msg");
    if (!p->filter) return nullptr;
  }
  return p;
}

std::unique_ptr<PipeSpec> Parser::ParseStats() {
  auto p = std::make_unique<PipeSpec>();
  p->kind = PipeKind::kStats;
  if (Cur().IsKeyword("by")) Next();
  if (Cur().IsPunct("(") && !ParseStatsBy(p.get())) return nullptr;
  while (true) {
    StatsFunc fn;
    fn.func = Cur().kind == Token::Kind::kBare ? ToLowerAscii(Cur().text) : "";
    if (fn.func != "count" && fn.func != "count_uniq" && fn.func != "sum" && fn.func != "avg" && fn.func != "min" &&
        fn.func != "max") {
      if (IsStatsFuncName(fn.func)) return FailNull("unsupported stats function \"" + fn.func + "\"", "count, count_uniq, sum, avg, min or max");
      return FailNull(Unexpected(), "stats function");
    }
    Next();
    if (!Cur().IsPunct("(")) return FailNull(Unexpected(), "'('");
    Next();
    while (!Cur().IsPunct(")")) {
      if (Cur().IsPunct("*")) {
        Next();
        fn.fields.clear();
        fn.fields.push_back("*");
      } else {
        std::string f;
        if (!ReadFieldName(&f)) return FailNull(Unexpected(), "field name");
        fn.fields.push_back(f);
      }
      if (Cur().IsPunct(",")) Next();
      else if (!Cur().IsPunct(")")) return FailNull(Unexpected(), "',' or ')'");
    }
    Next();
    for (const auto& f : fn.fields) {
      if (f == "*") {
        fn.fields.clear();
        break;
      }
    }
    if (Cur().IsKeyword("if")) return FailNull("stats 'if' conditions are not supported", "result name");
    if (Cur().IsKeyword("as")) Next();
    if (!AtEnd() && !Cur().IsPunct("|") && !Cur().IsPunct(",")) {
      if (!ReadFieldName(&fn.result_name)) return FailNull(Unexpected(), "result name");
    } else {
      fn.result_name = fn.DefaultName();
    }
    for (const auto& b : p->by) {
      if (b == fn.result_name) return FailNull("result name \"" + b + "\" clashes with a by field", "unique result name");
    }
    for (const auto& o : p->funcs) {
      if (o.result_name == fn.result_name) return FailNull("duplicate result name \"" + fn.result_name + "\"", "unique result name");
    }
    p->funcs.push_back(std::move(fn));
    if (Cur().IsPunct(",")) {
      Next();
      continue;
    }
    break;
  }
  return p;
}

bool Parser::ParseStatsBy(PipeSpec* p) {
  Next();  // (
  while (!Cur().IsPunct(")")) {
    std::string name;
    if (!ReadFieldName(&name, kStopColon)) return Fail(Unexpected(), "field name").ok();
    StatsBucket bucket;
    if (Cur().IsPunct(":")) {
      // `field:step [offset d]`; `ip:/24`.
      Next();
      std::string step = ReadCompound(0);
      if (step.empty()) return Fail(Unexpected(), "bucket step").ok();
      std::string offset;
      if (Cur().IsKeyword("offset")) {
        Next();
        offset = ReadCompound(0);
        if (offset.empty()) return Fail(Unexpected(), "bucket offset").ok();
      }
      std::string err;
      if (!StatsBucket::Parse(name, step, offset, &bucket, &err)) return Fail(err, "valid bucket").ok();
    }
    p->by.push_back(std::move(name));
    p->by_buckets.push_back(std::move(bucket));
    if (Cur().IsPunct(",")) Next();
    else if (!Cur().IsPunct(")")) return Fail(Unexpected(), "',' or ')'").ok();
  }
  Next();  // )
  return true;
}

void Parser::Rewrite(std::unique_ptr<Filter>* f, std::vector<std::unique_ptr<PipeSpec>>* pipes) {
  auto and_of = [](std::unique_ptr<Filter> a, std::unique_ptr<Filter> b) { return MakeAndFilter(std::move(a), std::move(b)); };
  auto& ps = *pipes;
  while (!ps.empty() && ps[0]->kind == PipeKind::kFilter) {
    *f = and_of(std::move(*f), std::move(ps[0]->filter));
    ps.erase(ps.begin());
  }
  *f = SimplifyFilter(std::move(*f));
  for (size_t i = 0; i + 1 < ps.size();) {
    PipeSpec& a = *ps[i];
    PipeSpec& b = *ps[i + 1];
    if (a.kind == PipeKind::kFilter && b.kind == PipeKind::kFilter) {
      a.filter = and_of(std::move(a.filter), std::move(b.filter));
    } else if (a.kind == PipeKind::kSort && b.kind == PipeKind::kLimit) {
      if (a.sort_limit == 0 || b.n < a.sort_limit) a.sort_limit = b.n;
      if (a.sort_limit == 0) {  // `limit 0`
        ++i;
        continue;
      }
    } else if (a.kind == PipeKind::kSort && b.kind == PipeKind::kOffset && a.sort_limit == 0) {
      a.sort_offset += b.n;
    } else {
      ++i;
      continue;
    }
    ps.erase(ps.begin() + static_cast<ptrdiff_t>(i + 1));
  }
  for (auto& p : ps) {
    if (p->kind == PipeKind::kFilter) p->filter = SimplifyFilter(std::move(p->filter));
  }
}

}  // namespace parser_internal

Result<std::unique_ptr<Query>> ParseQuery(std::string_view text, int64_t now_ns) {
  auto toks = Lex(text);
  if (!toks.ok()) return toks.status();
  parser_internal::Parser p(text, std::move(toks.value()), now_ns);
  return p.Run();
}

}  // namespace vl::logsql
