// Internal: stats functions (`count`, `sum`, `quantile`, ...), one class per file under
// src/logsql/stats/, found by name through the registry at the bottom.
//
// A function keeps one state per group. It updates the states of a whole block at once: row r
// goes to states[groups[r]] (or every row to states[0] when groups is null, as when the group
// is the same for the whole block), so a function loops over rows with no virtual call per row
// and can use what a column knows (a constant counted once, a dictionary's codes). States merge
// (workers, cluster nodes) and export to a compact encoding that only their own function reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "vl/logsql/pipe.h"
#include "vl/logsql/result.h"

namespace vl::logsql {
namespace parser_internal {
class Parser;
}

namespace stats {

class FuncState {
 public:
  virtual ~FuncState() = default;
  // `other` is a state of the same function.
  virtual void Merge(FuncState&& other) = 0;
  virtual void Export(std::string* out) const = 0;
  // Merges an exported state into this one; false when `in` is not a valid encoding.
  virtual bool Import(std::string_view in) = 0;
  virtual void Result(std::string* out) const = 0;
  // Heap bytes beyond the object itself, roughly (for the query memory budget).
  virtual size_t MemoryBytes() const { return 0; }
};

// Where a stats pipe's states live: placed one after another in 64 KiB chunks and destroyed
// together. A `stats by` over millions of groups (`top`, `uniq`) holds millions of small states;
// one heap allocation and free each cost more than the counting itself.
class StateArena {
 public:
  StateArena() = default;
  StateArena(const StateArena&) = delete;
  StateArena& operator=(const StateArena&) = delete;
  ~StateArena() { Clear(); }

  template <typename T, typename... Args>
  T* New(Args&&... args) {
    static_assert(alignof(T) <= alignof(std::max_align_t));
    T* t = new (Allocate(sizeof(T))) T(std::forward<Args>(args)...);
    // States that own nothing (counters, sums) declare kOwnsNothing: destroying millions of them
    // one virtual call at a time would cost a cache miss each for no effect.
    if constexpr (!requires { T::kOwnsNothing; }) states_.push_back(t);
    return t;
  }
  // Room for `n` pointers (a group's array of states).
  FuncState** NewArray(size_t n) { return static_cast<FuncState**>(Allocate(n * sizeof(FuncState*))); }

  // Takes over `other`'s states and memory (when their owners' groups merge).
  void Adopt(StateArena&& other);
  void Clear();
  // Bytes of the chunks.
  size_t MemoryBytes() const { return chunks_.size() * kChunk; }

 private:
  static constexpr size_t kChunk = 64 << 10;
  void* Allocate(size_t bytes);

  std::vector<std::unique_ptr<std::max_align_t[]>> chunks_;
  std::vector<FuncState*> states_;  // to destroy
  char* free_ = nullptr;
  size_t left_ = 0;
};

// What a function sees of one block.
struct FuncInput {
  const ResultBlock* block = nullptr;
  size_t rows = 0;
  // The columns its field arguments select, in block order (every column for `*` / no args).
  std::vector<const ResultColumn*> cols;
};

class StatsFunc {
 public:
  virtual ~StatsFunc() = default;

  // Canonical text, e.g. `count_uniq(a, b) limit 10`.
  virtual std::string String() const;
  virtual std::unique_ptr<StatsFunc> Clone() const = 0;
  // A new state, in `arena`.
  virtual FuncState* NewState(StateArena& arena) const = 0;
  // Adds rows [0, in.rows): row r into states[groups[r]], or all into states[0] without groups.
  virtual void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const = 0;
  // Whether a block's header alone (rows, time range) can update it, and doing so: `count()`,
  // `rate()`, `min(_time)`, `max(_time)` answer whole blocks without reading a column.
  virtual bool UsesHeaderOnly() const { return false; }
  virtual void UpdateFromHeader(FuncState* state, uint64_t rows, int64_t min_ts, int64_t max_ts) const {}
  // The fields it reads, added to `needed`.
  virtual void AddNeeded(NeededFields* needed) const;
  // True when it reads values as numbers (numerically stored columns then carry them).
  virtual bool ReadsNumbers() const { return false; }

  // The step `rate` and `rate_sum` divide by: the span of the query's time range (set by the
  // query when it knows it), 0 = none.
  int64_t step_ns() const { return step_ns_; }
  void set_step_ns(int64_t ns) { step_ns_ = ns; }
  // True for functions whose result depends on step_ns().
  virtual bool UsesStep() const { return false; }

  const std::string& name() const { return name_; }
  // Field patterns; empty = all fields.
  const std::vector<std::string>& fields() const { return fields_; }

  // Public so that functions can inherit it (`using StatsFunc::StatsFunc`); the class is abstract.
  StatsFunc(std::string name, std::vector<std::string> fields) : name_(std::move(name)), fields_(std::move(fields)) {}

 protected:
  StatsFunc(const StatsFunc&) = default;
  // Text of the argument list without parentheses.
  virtual std::string ArgsString() const;

 private:
  std::string name_;
  std::vector<std::string> fields_;
  int64_t step_ns_ = 0;
};

// Calls fn(state, row) for every row, with the row's state cast to S.
template <typename S, typename Fn>
inline void ForEachRow(size_t rows, const uint32_t* groups, FuncState* const* states, Fn&& fn) {
  if (!groups) {
    S& s = static_cast<S&>(*states[0]);
    for (size_t r = 0; r < rows; ++r) fn(s, r);
    return;
  }
  for (size_t r = 0; r < rows; ++r) fn(static_cast<S&>(*states[groups[r]]), r);
}

// Parses a function call after its name: arguments and the function's own options (`limit N`).
// nullptr after reporting the error through the parser.
using StatsFuncParser = std::unique_ptr<StatsFunc> (*)(parser_internal::Parser& p, const std::string& name);
// The parser of a stats function name (lowercase), nullptr when unknown.
StatsFuncParser FindStatsFunc(std::string_view name);

// Shared argument forms, for the parsers of the function files:
// `(f1, f2*, ...)`; `*` anywhere or no argument = all fields (empty list).
bool ParseFieldArgs(parser_internal::Parser& p, std::vector<std::string>* fields);
// An optional `limit N` after the arguments (0 when absent).
bool ParseOptionalLimit(parser_internal::Parser& p, uint64_t* limit);

// Number as a stats function prints it: shortest decimal that reads back the same, "NaN", "+Inf".
void AppendStatsNumber(double v, std::string* out);
// A value read as a number (decimal, as stored numbers are); false when it is not one.
bool ParseStatsNumber(std::string_view s, double* out);

}  // namespace stats
}  // namespace vl::logsql
