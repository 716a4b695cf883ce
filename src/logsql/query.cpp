#include "vl/logsql/query.h"

#include "pipes/pipes.h"
#include "stats/stats_func.h"

namespace vl::logsql {

Query::Query() : filter_(MakeMatchAllFilter()) {}
Query::~Query() = default;
Query::Query(std::unique_ptr<Filter> filter, std::vector<std::unique_ptr<Pipe>> pipes, QueryOptions options)
    : filter_(std::move(filter)), pipes_(std::move(pipes)), options_(options) {}

std::string Query::ToString() const {
  std::string out;
  if (options_.concurrency > 0 || options_.ignore_global_time_filter) {
    out = "options(";
    if (options_.concurrency > 0) out += "concurrency=" + std::to_string(options_.concurrency);
    if (options_.ignore_global_time_filter) {
      if (options_.concurrency > 0) out += ", ";
      out += "ignore_global_time_filter=true";
    }
    out += ") ";
  }
  out += filter_->String();
  for (const auto& p : pipes_) out += " | " + p->String();
  return out;
}

namespace {

// Visits the filter tree without recursion (it may be deep).
Status VisitPending(Filter& root, const std::function<Status(Filter& f)>& fn) {
  std::vector<Filter*> todo = {&root};
  while (!todo.empty()) {
    Filter* f = todo.back();
    todo.pop_back();
    if (f->pending_subquery()) VL_RETURN_IF_ERROR(fn(*f));
    for (auto& c : f->mutable_children()) todo.push_back(c.get());
  }
  return Status::OK();
}

}  // namespace

Status ForEachPendingSubquery(Query& query, const std::function<Status(Filter& f)>& fn) {
  VL_RETURN_IF_ERROR(VisitPending(query.mutable_filter(), fn));
  for (const auto& p : query.pipes()) {
    if (Filter* f = p->mutable_filter()) VL_RETURN_IF_ERROR(VisitPending(*f, fn));
  }
  return Status::OK();
}

bool HasPendingSubqueries(const Query& query) {
  std::vector<const Filter*> todo = {&query.filter()};
  for (const auto& p : query.pipes()) {
    if (const_cast<Pipe&>(*p).pending_subquery()) return true;
    if (const Filter* f = p->filter()) todo.push_back(f);
  }
  while (!todo.empty()) {
    const Filter* f = todo.back();
    todo.pop_back();
    if (f->pending_subquery()) return true;
    for (const auto& c : f->children()) todo.push_back(c.get());
  }
  return false;
}

void Query::AddTimeRange(int64_t start_ns, int64_t end_ns) {
  if (options_.ignore_global_time_filter) return;
  if (start_ns == INT64_MIN && end_ns == INT64_MAX) return;
  // Subqueries see the same global range (their own options permitting).
  ForEachPendingSubquery(*this, [&](Filter& f) {
    f.mutable_pending_subquery()->AddTimeRange(start_ns, end_ns);
    return Status::OK();
  });
  for (auto& p : pipes_) {
    if (Query* sub = p->pending_subquery()) sub->AddTimeRange(start_ns, end_ns);
  }
  filter_ = SimplifyFilter(MakeAndFilter(MakeTimeRangeFilter(start_ns, end_ns), std::move(filter_)));
  UpdateRateStep();
}

void Query::AddExtraFilter(const Filter& extra) {
  ForEachPendingSubquery(*this, [&](Filter& f) {
    f.mutable_pending_subquery()->AddExtraFilter(extra);
    return Status::OK();
  });
  for (auto& p : pipes_) {
    if (Query* sub = p->pending_subquery()) sub->AddExtraFilter(extra);
  }
  filter_ = SimplifyFilter(MakeAndFilter(extra.Clone(), std::move(filter_)));
}

void Query::UpdateRateStep() {
  SearchNarrowing n;
  filter_->NarrowSearch(&n);
  const bool bounded = n.min_ts != INT64_MIN && n.max_ts != INT64_MAX && n.min_ts <= n.max_ts;
  const int64_t step = bounded ? n.max_ts - n.min_ts + 1 : 0;
  for (auto& p : pipes_) {
    StatsPipe* stats = PipeAs<StatsPipe>(*p);
    if (!stats) continue;
    for (auto& call : stats->calls) {
      if (!call.func->UsesStep() || call.func->step_ns() == step) continue;
      auto f = call.func->Clone();
      f->set_step_ns(step);
      call.func = std::move(f);
    }
  }
}

void Query::AppendLimit(uint64_t n) {
  SortPipe* s = pipes_.empty() ? nullptr : PipeAs<SortPipe>(*pipes_.back());
  if (s && s->partition_by.empty()) {
    if (s->limit == 0 || n < s->limit) s->limit = n;
    return;
  }
  pipes_.push_back(std::make_unique<LimitPipe>(n));
}

bool Query::CanReturnLastNRows() const {
  for (const auto& p : pipes_) {
    if (PipeAs<FilterPipe>(*p)) continue;
    const FieldsPipe* fields = PipeAs<FieldsPipe>(*p);
    if (!fields) return false;
    bool keeps = false;
    for (const auto& f : fields->fields()) keeps |= FieldMatches(f, "_time");
    if (!keeps) return false;
  }
  return true;
}

std::unique_ptr<Query> Query::Clone() const {
  std::vector<std::unique_ptr<Pipe>> pipes;
  for (const auto& p : pipes_) pipes.push_back(p->Clone());
  return std::make_unique<Query>(filter_->Clone(), std::move(pipes), options_);
}

std::unique_ptr<Query> Query::CloneWithoutPipes() const {
  return std::make_unique<Query>(filter_->Clone(), std::vector<std::unique_ptr<Pipe>>{}, options_);
}

}  // namespace vl::logsql
