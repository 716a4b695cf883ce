#include "vl/logsql/query.h"

namespace vl::logsql {

Query::Query() : filter_(Filter::Make(FilterKind::kMatchAll)) {}
Query::~Query() = default;
Query::Query(std::unique_ptr<Filter> filter, std::vector<std::unique_ptr<PipeSpec>> pipes)
    : filter_(std::move(filter)), pipes_(std::move(pipes)) {}

std::string Query::ToString() const {
  std::string out = filter_->ToString();
  for (const auto& p : pipes_) out += " | " + p->ToString();
  return out;
}

void Query::AddTimeRange(int64_t start_ns, int64_t end_ns) {
  auto t = Filter::Make(FilterKind::kTime, "_time");
  t->min_ts = start_ns;
  t->max_ts = end_ns;
  if (start_ns == INT64_MIN && end_ns == INT64_MAX) return;
  if (start_ns == INT64_MIN) {
    t->time_text = "<=" + FormatExactTime(end_ns);
  } else if (end_ns == INT64_MAX) {
    t->time_text = ">=" + FormatExactTime(start_ns);
  } else {
    t->time_text = "[" + FormatExactTime(start_ns) + ", " + FormatExactTime(end_ns) + "]";
  }
  auto a = Filter::Make(FilterKind::kAnd);
  a->children.push_back(std::move(t));
  a->children.push_back(std::move(filter_));
  filter_ = SimplifyFilter(std::move(a));
}

void Query::AppendLimit(uint64_t n) {
  if (!pipes_.empty() && pipes_.back()->kind == PipeKind::kSort) {
    PipeSpec& s = *pipes_.back();
    if (s.sort_limit == 0 || n < s.sort_limit) s.sort_limit = n;
    return;
  }
  auto p = std::make_unique<PipeSpec>();
  p->kind = PipeKind::kLimit;
  p->n = n;
  pipes_.push_back(std::move(p));
}

bool Query::CanReturnLastNRows() const {
  for (const auto& p : pipes_) {
    switch (p->kind) {
      case PipeKind::kFilter:
        break;
      case PipeKind::kFields: {
        bool keeps = false;
        for (const auto& f : p->fields) keeps |= FieldMatches(f, "_time");
        if (!keeps) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

std::unique_ptr<Query> Query::Clone() const {
  std::vector<std::unique_ptr<PipeSpec>> pipes;
  for (const auto& p : pipes_) pipes.push_back(p->Clone());
  return std::make_unique<Query>(filter_->Clone(), std::move(pipes));
}

std::unique_ptr<Query> Query::CloneWithoutPipes() const {
  return std::make_unique<Query>(filter_->Clone(), std::vector<std::unique_ptr<PipeSpec>>{});
}

}  // namespace vl::logsql
