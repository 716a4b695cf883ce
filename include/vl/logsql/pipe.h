// LogsQL pipes: the parsed form (PipeSpec) and the block processors that run them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/logsql/filter.h"
#include "vl/logsql/result.h"
#include "vl/logsql/stats_bucket.h"

namespace vl::logsql {

enum class PipeKind { kLimit, kOffset, kFields, kSort, kStats, kFilter };

struct SortField {
  std::string name;
  bool desc = false;
};

struct StatsFunc {
  std::string func;                 // count, count_uniq, sum, avg, min, max
  std::vector<std::string> fields;  // empty = all fields (`*`)
  std::string result_name;
  std::string DefaultName() const;  // canonical text, e.g. `count(*)`
};

// How a `stats` pipe runs. Cluster queries split one stats pipe in two: storage nodes compute
// partial per-group states (kRemote, text `stats_remote`, the only internal form that crosses the
// wire), the router merges them (kLocal). A mid-level router imports and re-exports (kProxy).
enum class StatsMode { kNormal, kRemote, kLocal, kProxy };

struct PipeSpec {
  PipeKind kind = PipeKind::kLimit;
  StatsMode stats_mode = StatsMode::kNormal;
  uint64_t n = 0;                     // limit / offset
  std::vector<std::string> fields;    // fields; `foo*` entries are prefixes
  std::vector<SortField> sort_by;     // sort
  bool sort_desc = false;
  uint64_t sort_offset = 0;
  uint64_t sort_limit = 0;            // 0 = unlimited
  std::vector<std::string> by;        // stats
  std::vector<StatsBucket> by_buckets;  // one per `by` entry; kind kNone = the plain value
  std::vector<StatsFunc> funcs;
  std::unique_ptr<Filter> filter;     // filter

  std::string ToString() const;
  std::unique_ptr<PipeSpec> Clone() const;
};

// One stage of the pipe chain. Calls are serialized by the executor.
class Processor {
 public:
  virtual ~Processor() = default;
  // Returns false once no more input is wanted (limit reached, sink stopped).
  virtual bool Push(ResultBlock&& block) = 0;
  // End of input: emit buffered state downstream, then flush downstream.
  virtual bool Flush() = 0;
};

// Builds the processor for `spec` feeding `next` (which must outlive it).
std::unique_ptr<Processor> MakeProcessor(const PipeSpec& spec, Processor* next);
// Terminal stage writing into `sink`.
std::unique_ptr<Processor> MakeSinkProcessor(ResultSink* sink);

// `fields` and `filter` transform each block on its own, so they may run in any thread.
bool IsRowWise(const PipeSpec& spec);
ResultBlock ApplyRowWise(const PipeSpec& spec, ResultBlock&& block);

// Rows of `block` whose bit is set, all columns.
ResultBlock SelectRows(const ResultBlock& block, const std::vector<uint8_t>& bm);
// True when `name` matches a `fields` entry (exact, or prefix for entries ending in `*`).
bool FieldMatches(const std::string& pattern, const std::string& name);

// Mergeable partial state of a `stats` pipe (partial states from several workers or cluster
// nodes can be merged before producing the result).
class StatsState {
 public:
  explicit StatsState(const PipeSpec& spec);
  ~StatsState();
  StatsState(StatsState&&) noexcept;
  void Update(const ResultBlock& block);
  void Merge(StatsState&& other);
  // By-fields then results; one row even without input when there are no by-fields.
  ResultBlock Result() const;
  // Like Result(), but each function column holds the binary partial state (see ImportStates).
  ResultBlock ExportStates() const;
  // Merges rows produced by ExportStates() of the same pipe; InvalidArgument on a bad state.
  bool ImportStates(const ResultBlock& block);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vl::logsql
