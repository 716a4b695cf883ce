#include "group_count.h"

#include <algorithm>


namespace vl::logsql::pipes {

GroupCountPipe::GroupCountPipe(Kind kind, std::vector<std::string> fields, uint64_t limit, std::string hits_name,
                               bool with_hits, std::string rank_name)
    : kind_(kind), fields_(std::move(fields)), limit_(limit), hits_name_(std::move(hits_name)), with_hits_(with_hits),
      rank_name_(std::move(rank_name)) {
  // Built from its LogsQL text, as the nodes will parse it.
  counts_ = std::shared_ptr<const StatsPipe>(static_cast<StatsPipe*>(
      ParsePipeText("stats by (" + FieldListString(fields_) + ") count() as " + QuoteIfNeeded(hits_name_)).release()));
}

std::string GroupCountPipe::String() const {
  switch (kind_) {
    case Kind::kTop: {
      std::string s = "top";
      if (limit_ != 10) s.append(" ").append(std::to_string(limit_));
      s += " by (" + FieldListString(fields_) + ")";
      if (hits_name_ != UniqueName("hits", fields_)) s += " hits as " + QuoteIfNeeded(hits_name_);
      if (!rank_name_.empty()) s += rank_name_ == "rank" ? " rank" : " rank as " + QuoteIfNeeded(rank_name_);
      return s;
    }
    case Kind::kUniq: {
      std::string s = "uniq by (" + FieldListString(fields_) + ")";
      if (with_hits_) s += " with hits";
      if (limit_) s += " limit " + std::to_string(limit_);
      return s;
    }
    case Kind::kFieldValues: {
      std::string s = "field_values " + FieldPatternString(fields_[0]);
      if (limit_) s += " limit " + std::to_string(limit_);
      return s;
    }
  }
  return "";
}

void GroupCountPipe::UpdateNeeded(NeededFields* needed) const {
  const bool numbers = needed->numbers;
  // The router's half reads the partial counts, whose columns are the fields and hits.
  std::vector<std::string> reads = fields_;
  if (merge_) reads.push_back(hits_name_);
  needed->SetOnly(std::move(reads));
  needed->numbers = numbers;
}

namespace {

class GroupCountProcessor : public Processor {
 public:
  GroupCountProcessor(const Pipe& pipe, const StatsPipe& counts, bool merge, bool top, uint64_t limit, bool with_hits,
                      std::string rank_name, size_t nfields, std::string hits_name, Processor* next, QueryMemory* memory)
      : pipe_(pipe), state_(counts), merge_(merge), top_(top), limit_(limit), with_hits_(with_hits),
        rank_name_(std::move(rank_name)), nfields_(nfields), hits_name_(std::move(hits_name)), next_(next),
        memory_(memory) {}

  bool Push(ResultBlock&& b) override {
    if (merge_) state_.ImportStates(b);
    else state_.Update(b);
    return memory_->Update(pipe_, &held_, state_.MemoryBytes());
  }

  bool PushStates(StatsState&& states) override {
    if (!merge_) return Processor::PushStates(std::move(states));
    state_.Merge(std::move(states));
    return memory_->Update(pipe_, &held_, state_.MemoryBytes());
  }

  bool Flush() override {
    ResultBlock counts = state_.Result();  // by-fields, then hits
    const size_t n = counts.rows;
    std::vector<uint64_t> hits(n);
    const ResultColumn& hc = counts.columns[nfields_];
    for (size_t r = 0; r < n; ++r) hits[r] = ParseCount(hc.at(r));
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    // top: most hits first, ties in byte order of the values (as VictoriaLogs breaks them).
    // uniq: in no particular order, as in VictoriaLogs (sorting millions of values would cost
    // more than finding them); with a limit, the smallest values, so the subset is stable.
    auto values_less = [&](size_t a, size_t b) {
      for (size_t f = 0; f < nfields_; ++f) {
        const int c = counts.columns[f].at(a).compare(counts.columns[f].at(b));
        if (c != 0) return c < 0;
      }
      return false;
    };
    auto less = [&](size_t a, size_t b) {
      if (top_ && hits[a] != hits[b]) return hits[a] > hits[b];
      return values_less(a, b);
    };
    if (limit_ > 0 && order.size() > limit_) {
      std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(limit_), order.end(), less);
    } else if (top_) {
      std::sort(order.begin(), order.end(), less);
    }
    // uniq with a limit: beyond it the counts are not reported (as VictoriaLogs reports them).
    const bool over = !top_ && limit_ > 0 && n > limit_;
    if (limit_ > 0 && order.size() > limit_) order.resize(limit_);
    ResultBlock out;
    out.rows = order.size();
    for (size_t f = 0; f < nfields_; ++f) {
      StringsBuilder sb(out.rows);
      for (size_t i : order) sb.Add(counts.columns[f].at(i));
      out.columns.push_back(sb.Build(counts.columns[f].name));
    }
    if (with_hits_) {
      StringsBuilder sb(out.rows);
      for (size_t i : order) sb.Add(over ? "0" : std::to_string(hits[i]));
      out.columns.push_back(sb.Build(hits_name_));
    }
    if (!rank_name_.empty()) {
      StringsBuilder sb(out.rows);
      for (size_t k = 0; k < order.size(); ++k) sb.Add(std::to_string(k + 1));
      out.columns.push_back(sb.Build(rank_name_));
    }
    if (out.rows > 0) next_->Push(std::move(out));
    return next_->Flush();
  }

 private:
  const Pipe& pipe_;
  StatsState state_;
  bool merge_, top_;
  uint64_t limit_;
  bool with_hits_;
  std::string rank_name_;
  size_t nfields_;
  std::string hits_name_;
  Processor* next_;
  QueryMemory* memory_;
  size_t held_ = 0;
};

}  // namespace

std::unique_ptr<Processor> GroupCountPipe::MakeProcessor(Processor* next, QueryMemory* memory) const {
  return std::make_unique<GroupCountProcessor>(*this, *counts_, merge_, kind_ == Kind::kTop, limit_, with_hits_,
                                               rank_name_, fields_.size(), hits_name_, next, memory);
}

PipeSplit GroupCountPipe::Split() const {
  PipeSplit s;
  auto remote = std::make_unique<StatsPipe>(*counts_);
  remote->mode = StatsMode::kRemote;
  s.remote = std::move(remote);
  auto local = std::make_unique<GroupCountPipe>(*this);
  local->merge_ = true;
  s.local = std::move(local);
  s.stops_pushdown = true;
  return s;
}

}  // namespace vl::logsql::pipes

namespace vl::logsql {

std::string SubqueryValueField(const Query& q) {
  if (q.pipes().empty()) return "";
  const Pipe& last = *q.pipes().back();
  if (const auto* f = PipeAs<FieldsPipe>(last)) {
    return f->fields().size() == 1 && f->fields()[0].find('*') == std::string::npos ? f->fields()[0] : "";
  }
  if (const auto* u = PipeAs<pipes::GroupCountPipe>(last)) return u->UniqSingleField();
  return "";
}

}  // namespace vl::logsql

namespace vl::logsql::pipes {

namespace {

// `(a, b)` or `a, b` after an optional `by`.
bool ParseByFields(parser_internal::Parser& p, std::vector<std::string>* fields) {
  if (p.Cur().IsKeyword("by")) p.Next();
  if (!p.ReadFieldList(fields, p.Cur().IsPunct("("))) return false;
  if (fields->empty()) return p.Fail(p.Unexpected(), "at least one field").ok();
  for (const auto& f : *fields) {
    if (f.back() == '*') return p.Fail("wildcards are not allowed here (\"" + f + "\")", "field name").ok();
  }
  return true;
}

}  // namespace

std::unique_ptr<Pipe> ParseTop(parser_internal::Parser& p) {
  uint64_t n = 10;
  if (p.Cur().kind == Token::Kind::kBare && !p.Cur().IsKeyword("by") && !p.Peek(1).IsPunct(",") &&
      !AtPipeEnd(p) && std::isdigit(static_cast<unsigned char>(p.Cur().text[0]))) {
    if (!ReadRowCount(p, &n) || n == 0) return p.FailNull(p.Unexpected(), "number of rows N >= 1");
  }
  std::vector<std::string> fields;
  if (!ParseByFields(p, &fields)) return nullptr;
  std::string hits = UniqueName("hits", fields), rank;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("hits")) {
      p.Next();
      if (p.Cur().IsKeyword("as")) p.Next();
      if (!p.ReadFieldName(&hits)) return p.FailNull(p.Unexpected(), "hits field name");
    } else if (p.Cur().IsKeyword("rank")) {
      p.Next();
      rank = "rank";
      if (p.Cur().IsKeyword("as")) {
        p.Next();
        if (!p.ReadFieldName(&rank)) return p.FailNull(p.Unexpected(), "rank field name");
      }
      rank = UniqueName(rank, fields);
    } else {
      return p.FailNull(p.Unexpected(), "hits, rank or '|'");
    }
  }
  return std::make_unique<GroupCountPipe>(GroupCountPipe::Kind::kTop, std::move(fields), n, std::move(hits), true,
                                          std::move(rank));
}

std::unique_ptr<Pipe> ParseUniq(parser_internal::Parser& p) {
  std::vector<std::string> fields;
  if (!ParseByFields(p, &fields)) return nullptr;
  bool with_hits = false;
  uint64_t limit = 0;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("with") && p.Peek(1).IsKeyword("hits")) {
      p.Next();
      p.Next();
      with_hits = true;
    } else if (p.Cur().IsKeyword("hits")) {
      p.Next();
      with_hits = true;
    } else if (p.Cur().IsKeyword("limit")) {
      p.Next();
      if (!p.ReadUint(&limit)) return p.FailNull(p.Unexpected(), "limit value");
    } else {
      return p.FailNull(p.Unexpected(), "with hits, limit or '|'");
    }
  }
  std::string hits = UniqueName("hits", fields);
  return std::make_unique<GroupCountPipe>(GroupCountPipe::Kind::kUniq, std::move(fields), limit, std::move(hits),
                                          with_hits, "");
}

std::unique_ptr<Pipe> ParseFieldValues(parser_internal::Parser& p) {
  std::string field;
  const bool parens = p.Cur().IsPunct("(");
  if (parens) p.Next();
  if (!p.ReadFieldName(&field) || field.back() == '*') return p.FailNull(p.Unexpected(), "field name");
  if (parens) {
    if (!p.Cur().IsPunct(")")) return p.FailNull(p.Unexpected(), "')'");
    p.Next();
  }
  uint64_t limit = 0;
  if (p.Cur().IsKeyword("limit")) {
    p.Next();
    if (!p.ReadUint(&limit)) return p.FailNull(p.Unexpected(), "limit value");
  }
  std::vector<std::string> fields{field};
  std::string hits = UniqueName("hits", fields);
  return std::make_unique<GroupCountPipe>(GroupCountPipe::Kind::kFieldValues, std::move(fields), limit,
                                          std::move(hits), true, "");
}

}  // namespace vl::logsql::pipes
