// Searchable::Search over the parts of the partitions overlapping the time range.
//
// Block selection has two paths with the same result. Without any stream condition every block
// of every part is checked against the tenant and the time range. With one (stream_filter,
// stream_label_equals or stream_ids), each partition's StreamIndex names the candidate streams,
// the stream filter decides on each, and only the blocks of the accepted streams are visited
// (through the per-part block ranges). Candidates keep the part order and ascending block order
// of the full scan, so the visit order does not depend on the path.
#include <algorithm>
#include <thread>
#include <unordered_map>

#include "vl/common/worker_pool.h"
#include "vl/storage/engine.h"
#include "vl/storage/format.h"

namespace vl::storage {

namespace {

struct Candidate {
  const Part* part;
  uint32_t block;
};

// Stream filter verdicts of this search, so that it runs once per stream even when the stream
// spans several partitions.
using StreamVerdicts = std::unordered_map<StreamID, bool, StreamIDHash>;

bool Accepts(const SearchSpec& spec, const StreamID& id, const StreamTags& tags, StreamVerdicts* ok) {
  if (!spec.stream_filter) return true;
  auto [it, inserted] = ok->emplace(id, false);
  if (inserted) it->second = spec.stream_filter(tags);
  return it->second;
}

bool PartInTime(const Part& part, const SearchSpec& spec) {
  const auto& m = part.meta();
  return m.rows != 0 && m.max_ts >= spec.min_timestamp && m.min_ts <= spec.max_timestamp;
}

bool BlockInTime(const BlockMeta& bm, const SearchSpec& spec) {
  return bm.max_ts >= spec.min_timestamp && bm.min_ts <= spec.max_timestamp;
}

// Today's full scan of one part: every block, tenant and stream checked per block.
void ScanAllBlocks(const Part& part, const SearchSpec& spec, StreamVerdicts* ok,
                   std::vector<Candidate>* out) {
  const auto& streams = part.streams();
  const auto& blocks = part.blocks();
  for (uint32_t b = 0; b < blocks.size(); b++) {
    const BlockMeta& bm = blocks[b];
    if (!BlockInTime(bm, spec)) continue;
    const StreamEntry& se = streams[bm.stream_idx];
    if (se.id.tenant != spec.tenant || !Accepts(spec, se.id, se.tags, ok)) continue;
    out->push_back({&part, b});
  }
}

// The blocks of the `accepted` streams (sorted ids of the search tenant) in one part.
void ScanStreamBlocks(const Part& part, const SearchSpec& spec,
                      const std::vector<StreamID>& accepted, std::vector<Candidate>* out) {
  const auto& streams = part.streams();
  const auto& blocks = part.blocks();
  std::vector<uint32_t> idxs;  // accepted streams present in the part
  // Probe from the smaller side: few accepted streams in a big part, or the reverse.
  if (accepted.size() < streams.size()) {
    for (const auto& id : accepted) {
      int64_t i = part.FindStream(id);
      if (i >= 0) idxs.push_back(static_cast<uint32_t>(i));
    }
  } else {
    for (uint32_t i = 0; i < streams.size(); i++)
      if (std::binary_search(accepted.begin(), accepted.end(), streams[i].id)) idxs.push_back(i);
  }
  if (idxs.empty()) return;
  if (!part.streams_contiguous()) {
    std::vector<uint8_t> want(streams.size(), 0);
    for (uint32_t i : idxs) want[i] = 1;
    for (uint32_t b = 0; b < blocks.size(); b++)
      if (want[blocks[b].stream_idx] && BlockInTime(blocks[b], spec)) out->push_back({&part, b});
    return;
  }
  std::vector<BlockRange> ranges;
  ranges.reserve(idxs.size());
  for (uint32_t i : idxs) ranges.push_back(part.stream_blocks(i));
  std::sort(ranges.begin(), ranges.end(),
            [](const BlockRange& a, const BlockRange& b) { return a.first < b.first; });
  for (const BlockRange& r : ranges)
    for (uint32_t b = r.first; b < r.end; b++)
      if (BlockInTime(blocks[b], spec)) out->push_back({&part, b});
}

// Streams of the partition that pass every stream condition of the spec, sorted by id.
std::vector<StreamID> AcceptedStreams(const Partition& partition, const SearchSpec& spec,
                                      StreamVerdicts* ok) {
  StreamLookup q;
  q.tenant = spec.tenant;
  q.label_equals = spec.stream_label_equals;
  if (!spec.stream_ids.empty()) q.ids = std::span<const StreamID>(spec.stream_ids);
  std::vector<StreamID> accepted;
  for (const auto& c : partition.stream_index().Lookup(q))
    if (Accepts(spec, c.id, *c.tags, ok)) accepted.push_back(c.id);
  return accepted;
}

}  // namespace

Status StorageEngine::Search(const SearchSpec& spec, const BlockVisitor& visit, bool parallel) const {
  auto cancelled = [&] { return spec.cancelled && spec.cancelled->load(std::memory_order_relaxed); };
  if (spec.min_timestamp > spec.max_timestamp) return Status::OK();
  int64_t min_day = DayOf(spec.min_timestamp), max_day = DayOf(spec.max_timestamp);
  struct PartitionParts {
    std::shared_ptr<Partition> partition;
    std::vector<std::shared_ptr<Part>> parts;  // keep the parts alive for the whole search
  };
  std::vector<PartitionParts> snapshot;
  {
    std::lock_guard<std::mutex> lk(partitions_mu_);
    for (auto it = partitions_.lower_bound(min_day); it != partitions_.end() && it->first <= max_day;
         ++it)
      snapshot.push_back({it->second, it->second->Snapshot()});
  }
  const bool use_index =
      spec.stream_filter || !spec.stream_label_equals.empty() || !spec.stream_ids.empty();
  StreamVerdicts stream_ok;
  std::vector<Candidate> cands;
  for (auto& pp : snapshot) {
    std::erase_if(pp.parts, [&](const auto& part) { return !PartInTime(*part, spec); });
    if (pp.parts.empty()) continue;
    if (!use_index) {
      for (const auto& part : pp.parts) {
        ScanAllBlocks(*part, spec, &stream_ok, &cands);
        if (cancelled()) return Status::Cancelled("search cancelled");
      }
      continue;
    }
    // The lookup follows the part snapshot, so it knows every stream of those parts.
    const std::vector<StreamID> accepted = AcceptedStreams(*pp.partition, spec, &stream_ok);
    if (accepted.empty()) continue;
    for (const auto& part : pp.parts) {
      ScanStreamBlocks(*part, spec, accepted, &cands);
      if (cancelled()) return Status::Cancelled("search cancelled");
    }
  }
  if (cands.empty()) return Status::OK();

  size_t nthreads = parallel ? std::max(1u, std::thread::hardware_concurrency()) : 1;
  if (spec.max_workers > 0) nthreads = std::min<size_t>(nthreads, spec.max_workers);
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
  // Pooled threads: starting threads per search cost more than reading a few dozen blocks.
  WorkerPool::Shared().Run(nthreads - 1, worker);
  if (!err.ok()) return err;
  if (cancelled()) return Status::Cancelled("search cancelled");
  return Status::OK();
}

}  // namespace vl::storage
