// Internal: the pipe classes the planner, the parser's rewrites and the cluster split look at by
// type (limit, offset, fields, filter, sort, stats). Every other pipe is private to its file and
// reachable only through the registry (registry.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vl/logsql/pipe.h"
#include "vl/logsql/query.h"
#include "vl/logsql/stats_bucket.h"

namespace vl::logsql {

namespace parser_internal {
class Parser;
}  // namespace parser_internal
namespace stats {
class StatsFunc;
}

// Pipe `p` as type T, or nullptr.
template <typename T>
T* PipeAs(Pipe& p) {
  return dynamic_cast<T*>(&p);
}
template <typename T>
const T* PipeAs(const Pipe& p) {
  return dynamic_cast<const T*>(&p);
}

// `limit N` (`head`): the first N rows that arrive.
class LimitPipe final : public Pipe {
 public:
  explicit LimitPipe(uint64_t n) : n_(n) {}
  uint64_t n() const { return n_; }
  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<LimitPipe>(*this); }
  void UpdateNeeded(NeededFields*) const override {}
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override;
  PipeSplit Split() const override;

 private:
  uint64_t n_;
};

// `offset N` (`skip`).
class OffsetPipe final : public Pipe {
 public:
  explicit OffsetPipe(uint64_t n) : n_(n) {}
  uint64_t n() const { return n_; }
  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<OffsetPipe>(*this); }
  void UpdateNeeded(NeededFields*) const override {}
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override;

 private:
  uint64_t n_;
};

// `fields a, b, c*` (`keep`): only the listed fields, in that order; a listed field a row lacks
// is added empty.
class FieldsPipe final : public Pipe {
 public:
  explicit FieldsPipe(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  const std::vector<std::string>& fields() const { return fields_; }
  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<FieldsPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override;
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& block) const override;

 private:
  std::vector<std::string> fields_;
};

// `filter <filters>` (`where`, or no keyword at all).
class FilterPipe final : public Pipe {
 public:
  explicit FilterPipe(std::unique_ptr<Filter> f) : filter_(std::move(f)) {}
  FilterPipe(const FilterPipe& o) : Pipe(o), filter_(o.filter_->Clone()) {}
  std::unique_ptr<Filter>& mutable_filter_ptr() { return filter_; }
  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<FilterPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override;
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& block) const override;
  Filter* mutable_filter() override { return filter_.get(); }

 private:
  std::unique_ptr<Filter> filter_;
};

struct SortField {
  std::string name;
  bool desc = false;
};

// `sort by (a, b desc) [desc] [partition by (c)] [offset N] [limit N] [rank [as r]]`: natural
// order (numbers numerically, timestamps as instants), by the whole row when `by` is empty; with
// a limit it keeps only a bounded top.
class SortPipe final : public Pipe {
 public:
  std::vector<SortField> by;
  bool desc = false;
  uint64_t offset = 0;
  uint64_t limit = 0;  // 0 = unlimited
  std::vector<std::string> partition_by;  // offset and limit apply per partition
  std::string rank_name;                  // non-empty: a 1-based rank column (`rank [as name]`)

  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<SortPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override;
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override;
  PipeSplit Split() const override;
};

namespace pipes {
// `[by] (a, b desc, ...)`, or nothing (by the whole row); false after reporting a syntax error.
bool ParseSortFields(parser_internal::Parser& p, std::vector<SortField>* by);
}  // namespace pipes

// How a `stats` pipe runs. Cluster queries split one stats pipe in two: storage nodes compute
// partial per-group states (kRemote, text `stats_remote`, the only internal form that crosses the
// wire), the router merges them (kLocal). A mid-level router imports and re-exports (kProxy).
enum class StatsMode { kNormal, kRemote, kLocal, kProxy };

// One function of a stats pipe with its optional `if (...)` and its result name.
struct StatsCall {
  std::shared_ptr<const stats::StatsFunc> func;
  std::shared_ptr<const Filter> condition;  // nullptr = every row
  std::string result_name;
  // `count(*)`, `sum(x) if (y:z)`: the name a call gets when `as` is omitted.
  std::string DefaultName() const;
};

// `stats [by (...)] f1(...) [if (...)] [as] r1, ...`.
class StatsPipe final : public Pipe {
 public:
  StatsMode mode = StatsMode::kNormal;
  std::vector<std::string> by;
  std::vector<StatsBucket> by_buckets;  // one per `by` entry; kind kNone = the plain value
  std::vector<StatsCall> calls;

  // True when block headers answer it: no by-fields, no conditions, and functions that need
  // only a block's row count and time range (count(), min(_time), ...).
  bool UsesHeadersOnly() const;

  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<StatsPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override;
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override;
  PipeSplit Split() const override;
};

// Mergeable partial state of a `stats` pipe: states from several workers or cluster nodes can
// be merged before producing the result.
class StatsState {
 public:
  explicit StatsState(const StatsPipe& pipe);
  ~StatsState();
  StatsState(StatsState&&) noexcept;
  void Update(const ResultBlock& block);
  // A whole block known from its header only (see StatsPipe::UsesHeadersOnly).
  void UpdateFromHeader(uint64_t rows, int64_t min_ts, int64_t max_ts);
  void Merge(StatsState&& other);
  // By-fields then results; one row even without input when there are no by-fields.
  ResultBlock Result() const;
  // Like Result(), but each function column holds the binary partial state (see ImportStates).
  ResultBlock ExportStates() const;
  // Merges rows produced by ExportStates() of the same pipe; false on a bad state.
  bool ImportStates(const ResultBlock& block);
  // Approximate bytes held, kept up to date as groups and states grow (for the memory budget).
  size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The one field a value-list subquery (`in(<query>)`) returns: its last pipe is `fields x` or
// `uniq by (x)`. Empty when it is neither.
std::string SubqueryValueField(const Query& q);

// The row-wise processor: Apply() on each block.
std::unique_ptr<Processor> MakeRowWiseProcessor(const Pipe& pipe, Processor* next);

}  // namespace vl::logsql
