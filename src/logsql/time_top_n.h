// Internal: `sort by (_time) [desc] limit N` as the first pipe. A running top-N threshold
// rejects blocks (before any column is read) and rows that cannot enter the result.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "vl/logsql/eval_source.h"
#include "vl/logsql/query.h"
#include "vl/storage/block.h"

namespace vl::logsql {

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
