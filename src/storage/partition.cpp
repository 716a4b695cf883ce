#include "vl/storage/partition.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "vl/storage/block_builder.h"
#include "vl/storage/format.h"
#include "vl/storage/part_merger.h"
#include "vl/storage/wal.h"

namespace vl::storage {

Partition::Partition(std::string dir, int64_t day, bool fsync)
    : dir_(std::move(dir)), day_(day), name_(DayName(day)), fsync_(fsync) {}

std::string Partition::PartDirName(uint64_t id) {
  char buf[24];
  snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(id));
  return buf;
}

static bool ParsePartDirName(const std::string& s, uint64_t* id) {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!isxdigit(static_cast<unsigned char>(c))) return false;
  *id = std::stoull(s, nullptr, 16);
  return true;
}

Result<std::shared_ptr<Partition>> Partition::Open(const std::string& dir, int64_t day, bool fsync) {
  std::shared_ptr<Partition> p(new Partition(dir, day, fsync));
  VL_RETURN_IF_ERROR(MakeDirs(dir + "/parts"));
  std::string list;
  std::set<std::string> listed;
  Status st = ReadFile(dir + "/parts.json", &list);
  if (st.ok()) {
    // {"parts":["<16 hex>",...]}
    size_t pos = 0;
    while ((pos = list.find('"', pos)) != std::string::npos) {
      size_t end = list.find('"', pos + 1);
      if (end == std::string::npos) break;
      std::string tok = list.substr(pos + 1, end - pos - 1);
      uint64_t id;
      if (ParsePartDirName(tok, &id)) listed.insert(tok);
      pos = end + 1;
    }
  } else if (st.code() != Status::Code::kNotFound) {
    return st;
  }
  for (const auto& name : ListDir(dir + "/parts")) {
    if (!listed.count(name)) {
      spdlog::info("storage: removing unlisted part dir {}/parts/{}", dir, name);
      RemoveAll(dir + "/parts/" + name);
    }
  }
  RemoveAll(dir + "/parts.json.tmp");
  for (const auto& name : listed) {
    uint64_t id;
    ParsePartDirName(name, &id);
    auto part = Part::Open(dir + "/parts/" + name, id);
    if (!part.ok()) {
      spdlog::error("storage: cannot open part {}: {}", name, part.status().ToString());
      return part.status();
    }
    p->stream_index_.Add(part.value()->streams());
    p->parts_.push_back(std::move(part.value()));
  }
  return p;
}

std::vector<std::shared_ptr<Part>> Partition::Snapshot() const {
  std::lock_guard<std::mutex> lk(mu_);
  return parts_;
}

uint64_t Partition::covered_wal_seq() const {
  std::lock_guard<std::mutex> lk(mu_);
  uint64_t s = 0;
  for (const auto& p : parts_) s = std::max(s, p->meta().wal_seq);
  return s;
}

Status Partition::WriteListLocked() {
  std::string json = "{\"parts\":[";
  for (size_t i = 0; i < parts_.size(); i++) {
    if (i) json += ",";
    json += "\"" + PartDirName(parts_[i]->id()) + "\"";
  }
  json += "]}\n";
  return WriteFileAtomic(dir_ + "/parts.json", json, fsync_);
}

Status Partition::AddRows(std::vector<LogRow>* rows, uint64_t wal_seq, uint64_t part_id) {
  std::vector<std::string> payload(1);
  EncodeRows(*rows, &payload[0]);
  RowBatch batch(std::move(payload));
  if (!batch.Decode()) return Status::Corruption("cannot decode encoded rows");
  std::vector<RowRef> all;
  for (auto& [day, v] : batch.days()) all.insert(all.end(), v.begin(), v.end());
  return AddRows(batch, &all, wal_seq, part_id);
}

Status Partition::AddRows(const RowBatch& batch, std::vector<RowRef>* rows, uint64_t wal_seq,
                          uint64_t part_id, std::atomic<uint64_t>* bytes_written) {
  // Sorting 32-byte views is cheap; `ord` breaks ties in arrival order (a stable sort).
  auto& v = *rows;
  std::sort(v.begin(), v.end(), [](const RowRef& a, const RowRef& b) {
    if (a.stream != b.stream) return a.stream < b.stream;
    if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
    return a.ord < b.ord;
  });
  std::string final_dir = dir_ + "/parts/" + PartDirName(part_id);
  PartWriter w(final_dir, fsync_);
  VL_RETURN_IF_ERROR(w.Begin());
  BlockBuilder builder;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j < v.size() && v[j].stream == v[i].stream) j++;
    const StreamInfo& s = batch.streams()[v[i].stream];
    VL_RETURN_IF_ERROR(builder.Build(std::span<const RowRef>(v).subspan(i, j - i),
                                     [&](const BlockInput& in) { return w.AddBlock(s.id, s.tags, in); }));
    i = j;
  }
  PartMeta meta;
  VL_RETURN_IF_ERROR(w.Finish(wal_seq, &meta));
  auto part = Part::Open(final_dir, part_id);
  if (!part.ok()) return part.status();
  if (bytes_written) *bytes_written += part.value()->disk_bytes();
  stream_index_.Add(part.value()->streams());  // before listing: see stream_index()
  std::lock_guard<std::mutex> lk(mu_);
  if (dropped_) {
    part.value()->MarkForDeletion();
    return Status::OK();
  }
  parts_.push_back(part.value());
  Status st = WriteListLocked();
  if (!st.ok()) {
    parts_.pop_back();
    part.value()->MarkForDeletion();
  }
  return st;
}

uint64_t Partition::DiskBytes() const {
  std::lock_guard<std::mutex> lk(mu_);
  uint64_t total = 0;
  for (const auto& p : parts_) total += p->disk_bytes();
  return total;
}

Result<bool> Partition::Merge(bool all, uint64_t part_id, const std::atomic<bool>* stop,
                              std::atomic<uint64_t>* bytes_written) {
  std::lock_guard<std::mutex> merge_lk(merge_mu_);
  std::vector<std::shared_ptr<Part>> chosen;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (dropped_ || parts_.size() < 2) return false;
    auto sorted = parts_;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a->disk_bytes() < b->disk_bytes(); });
    if (all) {
      chosen = sorted;
    } else {
      if (sorted.size() <= 8) return false;
      // Tiered: merge the smallest parts while the next one is not much bigger than the sum so
      // far, so every row is rewritten O(log n) times.
      uint64_t sum = 0;
      for (const auto& p : sorted) {
        if (chosen.size() >= 16) break;
        if (!chosen.empty() && p->disk_bytes() > 2 * sum + (1u << 20)) break;
        chosen.push_back(p);
        sum += p->disk_bytes();
      }
      if (chosen.size() < 2) return false;
    }
  }
  std::shared_ptr<Part> merged;
  VL_RETURN_IF_ERROR(MergeParts(chosen, part_id, stop, &merged));
  if (bytes_written) *bytes_written += merged->disk_bytes();
  // A merge brings no new stream; adding keeps the invariant without relying on that.
  stream_index_.Add(merged->streams());
  std::lock_guard<std::mutex> lk(mu_);
  if (dropped_) {
    merged->MarkForDeletion();
    return false;
  }
  auto old = parts_;
  std::set<const Part*> gone;
  for (const auto& p : chosen) gone.insert(p.get());
  std::vector<std::shared_ptr<Part>> next;
  for (const auto& p : parts_)
    if (!gone.count(p.get())) next.push_back(p);
  next.push_back(merged);
  parts_ = next;
  Status st = WriteListLocked();
  if (!st.ok()) {
    parts_ = old;
    merged->MarkForDeletion();
    return st;
  }
  for (const auto& p : chosen) p->MarkForDeletion();
  return true;
}

Status Partition::MergeParts(const std::vector<std::shared_ptr<Part>>& in, uint64_t part_id,
                             const std::atomic<bool>* stop, std::shared_ptr<Part>* out) {
  uint64_t wal_seq = 0;
  for (const auto& p : in) wal_seq = std::max(wal_seq, p->meta().wal_seq);
  std::string final_dir = dir_ + "/parts/" + PartDirName(part_id);
  PartWriter w(final_dir, fsync_);
  VL_RETURN_IF_ERROR(w.Begin());
  VL_RETURN_IF_ERROR(MergePartRows(in, &w, stop));
  PartMeta meta;
  VL_RETURN_IF_ERROR(w.Finish(wal_seq, &meta));
  auto part = Part::Open(final_dir, part_id);
  if (!part.ok()) return part.status();
  *out = part.value();
  return Status::OK();
}

void Partition::Drop() {
  std::lock_guard<std::mutex> lk(mu_);
  dropped_ = true;
  for (auto& p : parts_) p->MarkForDeletion();
  parts_.clear();
  RemoveAll(dir_);
}

}  // namespace vl::storage
