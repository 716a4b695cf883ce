// Internal: query shapes that ExecuteQuery answers without materializing rows.
//  - count-only stats (`<filter> | stats [by (fields)] count() ...`): rows are counted per block
//    from the filter bitmap (none for `*`), group keys come from const column headers or the
//    block's stream; only the by-columns that vary inside a block are decoded. `count_uniq(f)`
//    of one stored field is also answered here: each worker hashes the field's values straight
//    from the decoded block into exact per-group sets (bytes in an arena), merged at the end.
//  - `sort by (_time) [desc] limit N` as the first pipe: a running top-N threshold rejects
//    blocks (before any column is read) and rows that cannot enter the result.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <queue>
#include <vector>

#include "vl/common/status.h"
#include "vl/logsql/filter_eval.h"
#include "vl/logsql/query.h"
#include "vl/logsql/result.h"
#include "vl/storage/block.h"

namespace vl::logsql {

// Per-query block accounting, also added to the process-wide /metrics counters
// vl_query_blocks_read_total and vl_query_blocks_skipped_total.
struct BlockCounters {
  std::atomic<uint64_t> read{0};     // blocks whose rows the query looked at
  std::atomic<uint64_t> skipped{0};  // candidate blocks rejected by headers (bloom, min/max, top-N)
  void Publish() const;
};

// True when the query's first pipe is a stats pipe whose functions are all `count()` or
// `count_uniq(field)` of one named non-special field.
bool IsCountOnlyQuery(const Query& query);
// Runs such a query; `spec` is the query's search spec (block filter already counting skips).
Status RunCountQuery(const Searchable& data, const SearchSpec& spec, const Query& query,
                     ResultSink& sink, const std::atomic<bool>* cancelled, BlockCounters* counters);

// Top-N by `_time` for a leading `sort by (_time) [desc] ... limit N` pipe.
class TimeTopN {
 public:
  // nullptr unless the query starts with such a sort.
  static std::unique_ptr<TimeTopN> ForQuery(const Query& query);
  // When the filter selects every row of a block that lies inside the search time range, the
  // block headers alone bound the answer: a metadata-only pass sets the initial threshold.
  void Prime(const Searchable& data, const SearchSpec& spec, const Query& query);
  // False when no row of a block with these bounds can enter the top N.
  bool BlockMayEnter(int64_t min_ts, int64_t max_ts) const;
  // Clears rows that cannot enter the top N, then records the survivors. Returns how many remain.
  size_t Offer(const int64_t* ts, Bitmap* bm);

 private:
  TimeTopN(bool desc, size_t n) : desc_(desc), n_(n), threshold_(desc ? INT64_MIN : INT64_MAX) {}
  bool Beats(int64_t ts, int64_t thr) const { return desc_ ? ts >= thr : ts <= thr; }
  const bool desc_;
  const size_t n_;
  std::atomic<int64_t> threshold_;  // the N-th best timestamp seen so far
  std::mutex mu_;
  std::vector<int64_t> best_;  // heap of the N best timestamps, worst on top
};

}  // namespace vl::logsql
