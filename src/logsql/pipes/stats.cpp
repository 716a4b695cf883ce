// `stats [by (f, _time:1h, ip:/24, ...)] f1(...) [if (...)] [as] r1, ...` (the `stats` keyword
// may be omitted): one row per group with each function's result. In a cluster the nodes send
// partial states (`stats_remote`) that the router merges.
#include "../parser_impl.h"
#include "../stats/stats_func.h"
#include "pipes.h"

namespace vl::logsql {

std::string StatsCall::DefaultName() const {
  std::string s = func->String();
  if (condition) s += " if (" + condition->String() + ")";
  return s;
}

std::string StatsPipe::String() const {
  static const char* kNames[] = {"stats ", "stats_remote ", "stats_local ", "stats_proxy "};
  std::string out = kNames[static_cast<int>(mode)];
  if (!by.empty()) {
    out += "by (";
    for (size_t i = 0; i < by.size(); ++i) {
      if (i) out += ", ";
      out += FieldPatternString(by[i]);
      if (i < by_buckets.size() && by_buckets[i].kind != StatsBucket::Kind::kNone) out += ":" + by_buckets[i].text;
    }
    out += ") ";
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    if (i) out += ", ";
    out += calls[i].DefaultName() + " as " + QuoteIfNeeded(calls[i].result_name);
  }
  return out;
}

bool StatsPipe::UsesHeadersOnly() const {
  if (!by.empty() || calls.empty()) return false;
  for (const auto& c : calls) {
    if (c.condition || !c.func->UsesHeaderOnly()) return false;
  }
  return true;
}

void StatsPipe::UpdateNeeded(NeededFields* needed) const {
  NeededFields mine;
  mine.SetOnly(by);
  for (const auto& c : calls) {
    c.func->AddNeeded(&mine);
    if (c.condition) {
      std::vector<std::string> fields;
      c.condition->AppendFields(&fields);
      for (const auto& f : fields) mine.Add(f);
    }
    mine.numbers |= c.func->ReadsNumbers();
  }
  const bool numbers = needed->numbers || mine.numbers;
  *needed = std::move(mine);
  needed->numbers = numbers;
}

namespace {

class StatsProcessor : public Processor {
 public:
  StatsProcessor(const StatsPipe& pipe, Processor* next, QueryMemory* memory)
      : pipe_(pipe), state_(pipe), next_(next), memory_(memory) {}
  bool Push(ResultBlock&& b) override {
    if (pipe_.mode == StatsMode::kLocal || pipe_.mode == StatsMode::kProxy) {
      // A corrupt state from a peer would silently skew results; count it and drop the block.
      if (!state_.ImportStates(b)) ++bad_states_;
    } else {
      state_.Update(b);
    }
    return memory_->Update(pipe_, &held_, state_.MemoryBytes());
  }
  bool PushStates(StatsState&& states) override {
    if (pipe_.mode != StatsMode::kLocal && pipe_.mode != StatsMode::kProxy) return Processor::PushStates(std::move(states));
    state_.Merge(std::move(states));
    return memory_->Update(pipe_, &held_, state_.MemoryBytes());
  }
  bool Flush() override {
    const bool export_states = pipe_.mode == StatsMode::kRemote || pipe_.mode == StatsMode::kProxy;
    ResultBlock out = export_states ? state_.ExportStates() : state_.Result();
    if (out.rows > 0) next_->Push(std::move(out));
    return next_->Flush();
  }

 private:
  const StatsPipe& pipe_;
  StatsState state_;
  Processor* next_;
  QueryMemory* memory_;
  size_t held_ = 0;
  uint64_t bad_states_ = 0;
};

}  // namespace

std::unique_ptr<Processor> StatsPipe::MakeProcessor(Processor* next, QueryMemory* memory) const {
  return std::make_unique<StatsProcessor>(*this, next, memory);
}

PipeSplit StatsPipe::Split() const {
  // Nodes ship mergeable per-group states. A router receiving partial-state requests from an
  // upper router (kRemote) merges its children's states and re-exports them (kProxy).
  PipeSplit s;
  auto remote = std::make_unique<StatsPipe>(*this);
  remote->mode = StatsMode::kRemote;
  auto local = std::make_unique<StatsPipe>(*this);
  local->mode = mode == StatsMode::kRemote ? StatsMode::kProxy : StatsMode::kLocal;
  s.remote = std::move(remote);
  s.local = std::move(local);
  s.stops_pushdown = true;
  return s;
}

namespace pipes {

namespace {

// `(field, _time:1h offset 30m, ip:/24, ...)`.
bool ParseStatsBy(parser_internal::Parser& p, StatsPipe* s) {
  p.Next();  // (
  while (!p.Cur().IsPunct(")")) {
    std::string name;
    if (!p.ReadFieldName(&name, parser_internal::kStopColon)) return p.Fail(p.Unexpected(), "field name").ok();
    StatsBucket bucket;
    if (p.Cur().IsPunct(":")) {
      p.Next();
      std::string step = p.ReadCompound(0);
      if (step.empty()) return p.Fail(p.Unexpected(), "bucket step").ok();
      std::string offset;
      if (p.Cur().IsKeyword("offset")) {
        p.Next();
        offset = p.ReadCompound(0);
        if (offset.empty()) return p.Fail(p.Unexpected(), "bucket offset").ok();
      }
      std::string err;
      if (!StatsBucket::Parse(name, step, offset, &bucket, &err)) return p.Fail(err, "valid bucket").ok();
    }
    s->by.push_back(std::move(name));
    s->by_buckets.push_back(std::move(bucket));
    if (p.Cur().IsPunct(",")) p.Next();
    else if (!p.Cur().IsPunct(")")) return p.Fail(p.Unexpected(), "',' or ')'").ok();
  }
  p.Next();  // )
  return true;
}

}  // namespace

std::unique_ptr<Pipe> ParseStats(parser_internal::Parser& p, StatsMode mode) {
  auto s = std::make_unique<StatsPipe>();
  s->mode = mode;
  if (p.Cur().IsKeyword("by")) p.Next();
  if (p.Cur().IsPunct("(") && !ParseStatsBy(p, s.get())) return nullptr;
  while (true) {
    const std::string name = p.Cur().kind == Token::Kind::kBare ? ToLowerAscii(p.Cur().text) : "";
    stats::StatsFuncParser parse = stats::FindStatsFunc(name);
    if (!parse || !p.Peek(1).IsPunct("(")) return p.FailNull(p.Unexpected(), "stats function");
    p.Next();
    StatsCall call;
    call.func = parse(p, name);
    if (!call.func) return nullptr;
    if (p.Cur().IsKeyword("if")) {
      p.Next();
      if (!p.Cur().IsPunct("(")) return p.FailNull(p.Unexpected(), "'(' after if");
      p.Next();
      auto cond = p.ParseOr("_msg");
      if (!cond) return nullptr;
      if (!p.Cur().IsPunct(")")) return p.FailNull(p.Unexpected(), "')' closing the if condition");
      p.Next();
      call.condition = SimplifyFilter(std::move(cond));
    }
    if (p.Cur().IsKeyword("as")) p.Next();
    if (!p.AtEnd() && !p.Cur().IsPunct("|") && !p.Cur().IsPunct(",") && !p.Cur().IsPunct(")")) {
      if (!p.ReadFieldName(&call.result_name)) return p.FailNull(p.Unexpected(), "result name");
    } else {
      call.result_name = call.DefaultName();
    }
    for (const auto& b : s->by) {
      if (b == call.result_name) return p.FailNull("result name \"" + b + "\" clashes with a by field", "unique result name");
    }
    for (const auto& o : s->calls) {
      if (o.result_name == call.result_name) {
        return p.FailNull("duplicate result name \"" + call.result_name + "\"", "unique result name");
      }
    }
    s->calls.push_back(std::move(call));
    if (p.Cur().IsPunct(",")) {
      p.Next();
      continue;
    }
    break;
  }
  return s;
}

std::unique_ptr<Pipe> ParseStatsPipe(parser_internal::Parser& p) { return ParseStats(p, StatsMode::kNormal); }
std::unique_ptr<Pipe> ParseStatsRemotePipe(parser_internal::Parser& p) { return ParseStats(p, StatsMode::kRemote); }

}  // namespace pipes
}  // namespace vl::logsql
