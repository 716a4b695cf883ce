// Recursive-descent LogsQL parser: filters (NOT > AND > OR) and pipes.
#include <cctype>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"
#include "vl/logsql/query.h"
#include "parser_impl.h"
#include "pipes/pipes.h"
#include "pipes/registry.h"
#include "stats/stats_func.h"

namespace vl::logsql {

namespace pipes {
std::unique_ptr<Pipe> ParseFilter(parser_internal::Parser& p);
std::unique_ptr<Pipe> ParseStatsPipe(parser_internal::Parser& p);
}  // namespace pipes

namespace parser_internal {

std::unique_ptr<Pipe> Parser::ParsePipe() {
  if (AtEnd()) return FailNull(Unexpected(), "pipe name");
  const std::string name = Cur().kind == Token::Kind::kBare ? ToLowerAscii(Cur().text) : "";
  if (pipes::PipeParser parse = pipes::FindPipe(name)) {
    Next();
    return parse(*this);
  }
  if (stats::FindStatsFunc(name) && Peek(1).IsPunct("(")) return pipes::ParseStatsPipe(*this);  // `| count()`
  if (IsPipeName(name)) return FailNull("unsupported pipe \"" + name + "\"", "supported pipe");
  if (Cur().IsPunct("|")) return FailNull(Unexpected(), "pipe name");
  return pipes::ParseFilter(*this);  // `| filter` keyword omitted
}

void Parser::Rewrite(std::unique_ptr<Filter>* f, std::vector<std::unique_ptr<Pipe>>* pipes) {
  auto& ps = *pipes;
  // Leading filter pipes join the query's filter.
  while (!ps.empty() && PipeAs<FilterPipe>(*ps[0])) {
    *f = MakeAndFilter(std::move(*f), std::move(PipeAs<FilterPipe>(*ps[0])->mutable_filter_ptr()));
    ps.erase(ps.begin());
  }
  *f = SimplifyFilter(std::move(*f));
  for (size_t i = 0; i + 1 < ps.size();) {
    auto* fa = PipeAs<FilterPipe>(*ps[i]);
    auto* fb = PipeAs<FilterPipe>(*ps[i + 1]);
    auto* sort = PipeAs<SortPipe>(*ps[i]);
    if (sort && !sort->partition_by.empty()) sort = nullptr;  // its limit is per partition
    const auto* limit = PipeAs<LimitPipe>(*ps[i + 1]);
    const auto* offset = PipeAs<OffsetPipe>(*ps[i + 1]);
    if (fa && fb) {
      fa->mutable_filter_ptr() = MakeAndFilter(std::move(fa->mutable_filter_ptr()), std::move(fb->mutable_filter_ptr()));
    } else if (sort && limit) {
      if (sort->limit == 0 || limit->n() < sort->limit) sort->limit = limit->n();
      if (sort->limit == 0) {  // `limit 0`
        ++i;
        continue;
      }
    } else if (sort && offset && sort->limit == 0) {
      sort->offset += offset->n();
    } else {
      ++i;
      continue;
    }
    ps.erase(ps.begin() + static_cast<ptrdiff_t>(i + 1));
  }
  for (auto& p : ps) {
    if (auto* fp = PipeAs<FilterPipe>(*p)) fp->mutable_filter_ptr() = SimplifyFilter(std::move(fp->mutable_filter_ptr()));
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
