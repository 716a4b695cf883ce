// Searchable::Search over the parts of the partitions overlapping the time range.
#include <algorithm>
#include <thread>
#include <unordered_map>

#include "vl/storage/engine.h"
#include "vl/storage/format.h"

namespace vl::storage {

namespace {
struct Candidate {
  const Part* part;
  uint32_t block;
};
}  // namespace

Status StorageEngine::Search(const SearchSpec& spec, const BlockVisitor& visit, bool parallel) const {
  auto cancelled = [&] { return spec.cancelled && spec.cancelled->load(std::memory_order_relaxed); };
  if (spec.min_timestamp > spec.max_timestamp) return Status::OK();
  int64_t min_day = DayOf(spec.min_timestamp), max_day = DayOf(spec.max_timestamp);
  std::vector<std::shared_ptr<Part>> parts;  // keeps the parts alive for the whole search
  {
    std::lock_guard<std::mutex> lk(partitions_mu_);
    for (auto it = partitions_.lower_bound(min_day); it != partitions_.end() && it->first <= max_day;
         ++it) {
      auto snap = it->second->Snapshot();
      parts.insert(parts.end(), snap.begin(), snap.end());
    }
  }
  // Cheap block selection by tenant, time and stream; the stream filter runs once per stream.
  std::unordered_map<StreamID, bool, StreamIDHash> stream_ok;
  std::vector<Candidate> cands;
  for (const auto& part : parts) {
    const auto& m = part->meta();
    if (m.rows == 0 || m.max_ts < spec.min_timestamp || m.min_ts > spec.max_timestamp) continue;
    const auto& streams = part->streams();
    const auto& blocks = part->blocks();
    for (uint32_t b = 0; b < blocks.size(); b++) {
      const BlockMeta& bm = blocks[b];
      if (bm.max_ts < spec.min_timestamp || bm.min_ts > spec.max_timestamp) continue;
      const StreamEntry& se = streams[bm.stream_idx];
      if (se.id.tenant != spec.tenant) continue;
      if (spec.stream_filter) {
        auto [it, inserted] = stream_ok.emplace(se.id, false);
        if (inserted) it->second = spec.stream_filter(se.tags);
        if (!it->second) continue;
      }
      cands.push_back({part.get(), b});
    }
    if (cancelled()) return Status::Cancelled("search cancelled");
  }
  if (cands.empty()) return Status::OK();

  size_t nthreads = parallel ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  nthreads = std::min(nthreads, cands.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex err_mu;
  Status err;
  auto worker = [&] {
    PartBlockView view;
    while (!stop.load(std::memory_order_relaxed)) {
      if (cancelled()) {
        stop = true;
        break;
      }
      size_t i = next.fetch_add(1);
      if (i >= cands.size()) break;
      view.Reset(cands[i].part, cands[i].block);
      bool pass = !spec.block_filter || spec.block_filter(view);
      bool go_on = !pass || visit(view);
      if (!view.error().ok()) {
        std::lock_guard<std::mutex> lk(err_mu);
        if (err.ok()) err = view.error();
        stop = true;
      }
      if (!go_on) stop = true;
    }
  };
  if (nthreads <= 1) {
    worker();
  } else {
    std::vector<std::thread> threads;
    for (size_t t = 0; t < nthreads; t++) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }
  if (!err.ok()) return err;
  if (cancelled()) return Status::Cancelled("search cancelled");
  return Status::OK();
}

}  // namespace vl::storage
