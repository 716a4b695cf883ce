// What stats functions share: canonical text, the fields they read, argument parsing, numbers.
#include "stats_func.h"

#include <charconv>
#include <cmath>

#include "../parser_impl.h"
#include "../pipes/math_expr.h"

namespace vl::logsql::stats {

std::string StatsFunc::ArgsString() const { return fields_.empty() ? "*" : FieldListString(fields_); }

std::string StatsFunc::String() const { return name_ + "(" + ArgsString() + ")"; }

void StatsFunc::AddNeeded(NeededFields* needed) const {
  if (fields_.empty()) {
    needed->SetAll();
    return;
  }
  for (const auto& f : fields_) needed->Add(f);
}

bool ParseFieldArgs(parser_internal::Parser& p, std::vector<std::string>* fields) {
  if (!p.Cur().IsPunct("(")) return p.Fail(p.Unexpected(), "'('").ok();
  p.Next();
  bool star = false;
  while (!p.Cur().IsPunct(")")) {
    if (p.Cur().IsPunct("*")) {
      p.Next();
      star = true;
    } else {
      std::string f;
      if (!p.ReadFieldName(&f)) return p.Fail(p.Unexpected(), "field name").ok();
      fields->push_back(std::move(f));
    }
    if (p.Cur().IsPunct(",")) p.Next();
    else if (!p.Cur().IsPunct(")")) return p.Fail(p.Unexpected(), "',' or ')'").ok();
  }
  p.Next();
  if (star) fields->clear();
  return true;
}

bool ParseOptionalLimit(parser_internal::Parser& p, uint64_t* limit) {
  *limit = 0;
  if (!p.Cur().IsKeyword("limit")) return true;
  p.Next();
  if (!p.ReadUint(limit)) return p.Fail(p.Unexpected(), "limit value").ok();
  return true;
}

void AppendStatsNumber(double v, std::string* out) {
  // The shortest decimal that reads back the same, never in exponent form (Go's 'f', -1), as
  // the math pipe prints its results.
  pipes::AppendMathResult(v, out);
}

bool ParseStatsNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && p == e;
}

void* StateArena::Allocate(size_t bytes) {
  bytes = (bytes + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);
  if (bytes > kChunk / 8) {  // a big object gets a chunk of its own
    chunks_.push_back(std::make_unique<std::max_align_t[]>(bytes / sizeof(std::max_align_t)));
    return chunks_.back().get();
  }
  if (bytes > left_) {
    chunks_.push_back(std::make_unique<std::max_align_t[]>(kChunk / sizeof(std::max_align_t)));
    free_ = reinterpret_cast<char*>(chunks_.back().get());
    left_ = kChunk;
  }
  void* p = free_;
  free_ += bytes;
  left_ -= bytes;
  return p;
}

void StateArena::Adopt(StateArena&& other) {
  // New objects keep going into this arena's current chunk; the other's chunks just move over.
  for (auto& c : other.chunks_) chunks_.push_back(std::move(c));
  states_.insert(states_.end(), other.states_.begin(), other.states_.end());
  other.chunks_.clear();
  other.states_.clear();
  other.free_ = nullptr;
  other.left_ = 0;
}

void StateArena::Clear() {
  for (FuncState* s : states_) s->~FuncState();
  states_.clear();
  chunks_.clear();
  free_ = nullptr;
  left_ = 0;
}

}  // namespace vl::logsql::stats
