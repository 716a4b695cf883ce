#include "time_top_n.h"

#include <algorithm>

#include "pipes/pipes.h"

namespace vl::logsql {

std::unique_ptr<TimeTopN> TimeTopN::ForQuery(const Query& query) {
  if (query.pipes().empty()) return nullptr;
  const SortPipe* p = PipeAs<SortPipe>(*query.pipes()[0]);
  if (!p || p->limit == 0 || !p->partition_by.empty() || p->by.size() != 1 || p->by[0].name != "_time") return nullptr;
  const bool desc = p->by[0].desc != p->desc;
  return std::unique_ptr<TimeTopN>(new TimeTopN(desc, p->offset + p->limit));
}

void TimeTopN::Prime(const Searchable& data, const SearchSpec& spec, const Query& query) {
  if (!query.filter().DecidedBySearch()) return;
  struct Meta {
    int64_t min_ts, max_ts;
    size_t rows;
  };
  std::mutex mu;
  std::vector<Meta> metas;
  SearchSpec s = spec;
  s.block_filter = [&](BlockView& b) {
    if (b.min_timestamp() >= spec.min_timestamp && b.max_timestamp() <= spec.max_timestamp) {
      std::lock_guard<std::mutex> lock(mu);
      metas.push_back({b.min_timestamp(), b.max_timestamp(), b.rows_count()});
    }
    return false;  // headers only: no block is visited
  };
  if (!data.Search(s, [](BlockView&) { return true; }, /*parallel=*/true).ok()) return;
  // The blocks that are best even at their worst row hold at least N rows at least this good.
  std::sort(metas.begin(), metas.end(), [&](const Meta& a, const Meta& b) {
    return desc_ ? a.min_ts > b.min_ts : a.max_ts < b.max_ts;
  });
  size_t rows = 0;
  for (const Meta& m : metas) {
    rows += m.rows;
    if (rows >= n_) {
      threshold_.store(desc_ ? m.min_ts : m.max_ts);
      return;
    }
  }
}

bool TimeTopN::BlockMayEnter(int64_t min_ts, int64_t max_ts) const {
  return Beats(desc_ ? max_ts : min_ts, threshold_.load(std::memory_order_relaxed));
}

size_t TimeTopN::Offer(const int64_t* ts, Bitmap* bm) {
  const int64_t thr = threshold_.load(std::memory_order_relaxed);
  std::vector<int64_t> cand;
  for (size_t i = 0; i < bm->size(); i++) {
    if (!(*bm)[i]) continue;
    if (!Beats(ts[i], thr)) (*bm)[i] = 0;
    else cand.push_back(ts[i]);
  }
  const size_t survivors = cand.size();
  auto better = [&](int64_t a, int64_t b) { return desc_ ? a > b : a < b; };
  if (cand.size() > n_) {
    std::nth_element(cand.begin(), cand.begin() + static_cast<ptrdiff_t>(n_ - 1), cand.end(), better);
    cand.resize(n_);
  }
  // Heap ordered so that its top is the worst of the kept timestamps.
  std::lock_guard<std::mutex> lock(mu_);
  for (int64_t t : cand) {
    if (best_.size() < n_) {
      best_.push_back(t);
      std::push_heap(best_.begin(), best_.end(), better);
    } else if (better(t, best_.front())) {
      std::pop_heap(best_.begin(), best_.end(), better);
      best_.back() = t;
      std::push_heap(best_.begin(), best_.end(), better);
    }
  }
  if (best_.size() == n_ && better(best_.front(), threshold_.load()) ) threshold_.store(best_.front());
  return survivors;
}

}  // namespace vl::logsql
