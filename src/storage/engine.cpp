#include "vl/storage/engine.h"

#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "vl/common/thread_name.h"
#include "vl/storage/format.h"
#include "vl/storage/row_batch.h"

namespace vl {

Result<std::unique_ptr<Storage>> Storage::Open(const StorageOptions& options) {
  auto engine = std::make_unique<storage::StorageEngine>(options);
  Status st = engine->Init();
  if (!st.ok()) return st;
  return std::unique_ptr<Storage>(std::move(engine));
}

}  // namespace vl

namespace vl::storage {

// main() keeps freed memory in the heap (M_TRIM_THRESHOLD) so busy ingestion does not fault pages
// in again for every request; when ingestion goes idle or around a forced merge, hand the free
// pages back so they do not add up with the next phase's working set. Not after every background
// merge: those run all through ingestion, and trimming then made every request fault its pages
// in again (about 10% of ingestion throughput).
static void ReleaseFreeMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

static int64_t WallNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StorageEngine::StorageEngine(const StorageOptions& options)
    : opts_(options),
      partitions_dir_(options.data_path + "/partitions"),
      wal_dir_(options.data_path + "/wal"),
      max_pending_hard_(options.max_pending_rows_hard ? options.max_pending_rows_hard
                                                      : 2 * std::max<uint64_t>(options.max_pending_rows, 1)) {}

StorageEngine::~StorageEngine() { (void)Close(); }

int64_t StorageEngine::MinDay(int64_t now) const { return DayOf(now - opts_.retention_ns); }
int64_t StorageEngine::MaxDay(int64_t now) const { return DayOf(now + opts_.future_retention_ns); }

Status StorageEngine::Init() {
  VL_RETURN_IF_ERROR(MakeDirs(partitions_dir_));
  VL_RETURN_IF_ERROR(MakeDirs(wal_dir_));
  std::string lock_path = opts_.data_path + "/flock.lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return Status::IOError("open " + lock_path + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    closed_ = true;
    return Status::Unavailable("data directory " + opts_.data_path +
                               " is locked by another process (flock.lock)");
  }
  const bool fsync = !opts_.disable_fsync;
  int64_t min_day = MinDay(WallNanos());
  uint64_t max_part_id = 0, max_covered = 0;
  for (const auto& name : ListDir(partitions_dir_)) {
    int64_t day;
    std::string dir = partitions_dir_ + "/" + name;
    if (!ParseDayName(name, &day)) continue;
    if (day < min_day) {
      spdlog::info("storage: dropping partition {} (older than retention)", name);
      RemoveAll(dir);
      continue;
    }
    auto p = Partition::Open(dir, day, fsync);
    if (!p.ok()) return p.status();
    for (const auto& part : p.value()->Snapshot()) max_part_id = std::max(max_part_id, part->id());
    max_covered = std::max(max_covered, p.value()->covered_wal_seq());
    partitions_[day] = p.value();
  }
  next_part_id_ = std::max<uint64_t>(max_part_id + 1, 1);

  // Replay the WAL: rows of segments not yet covered by their partition go back to memory.
  std::unordered_map<int64_t, uint64_t> covered;
  for (const auto& [day, p] : partitions_) covered[day] = p->covered_wal_seq();
  uint64_t replayed = 0;
  WalReplayStats stats;
  VL_RETURN_IF_ERROR(Wal::ReplayPayloads(
      wal_dir_,
      [&](uint64_t seq, std::string_view payload) {
        std::vector<std::string_view> keep;
        size_t total = 0;
        ForEachEncodedRow(payload, [&](const EncodedRow& r) {
          total++;
          int64_t day = DayOf(r.timestamp);
          if (day < min_day) return;
          auto it = covered.find(day);
          if (it != covered.end() && it->second > seq) return;
          keep.push_back(r.raw);
        });
        replayed += keep.size();
        if (keep.empty()) return;
        if (keep.size() == total) {
          memtable_.emplace_back(payload);
          return;
        }
        // Re-encode the surviving rows: an encoded row is self-contained.
        std::string& out = memtable_.emplace_back();
        PutVarint(&out, keep.size());
        for (auto raw : keep) out.append(raw);
      },
      &stats));
  pending_rows_ = replayed;
  if (stats.segments)
    spdlog::info("storage: replayed {} WAL records from {} segments, {} rows restored", stats.records,
                 stats.segments, replayed);
  wal_ = std::make_unique<Wal>(wal_dir_, opts_.wal_sync_window_us, fsync,
                               std::max(stats.max_seq, max_covered) + 1, opts_.wal_direct_io);
  wal_->Start();
  VL_RETURN_IF_ERROR(Flush());  // also deletes the replayed segments
  ApplyDiskUsageLimit();
  // Before accepting: a node started on a full disk must refuse its very first insert.
  CheckFreeSpace();
  accepting_ = true;
  flusher_ = std::thread([this] {
    SetThreadName("vl-flush");
    FlusherLoop();
  });
  merger_ = std::thread([this] {
    SetThreadName("vl-merge");
    MergerLoop();
  });
  disk_guard_ = std::thread([this] {
    SetThreadName("vl-diskguard");
    DiskGuardLoop();
  });
  return Status::OK();
}

void StorageEngine::LogRejected(const char* what, int64_t ts) {
  int64_t now = WallNanos();
  int64_t last = last_reject_log_ns_.load();
  if (now - last < 5 * 1'000'000'000LL) return;
  if (!last_reject_log_ns_.compare_exchange_strong(last, now)) return;
  spdlog::warn("storage: rejecting rows with timestamp {} ns: {} (retention {}d, future {}d)", ts,
               what, opts_.retention_ns / kNanosPerDay, opts_.future_retention_ns / kNanosPerDay);
}

IngestBatch StorageEngine::NewBatch() {
  const int64_t now = WallNanos();
  int64_t max_ts;
  if (__builtin_mul_overflow(MaxDay(now) + 1, kNanosPerDay, &max_ts)) max_ts = INT64_MAX;
  else max_ts -= 1;
  int64_t min_ts;
  if (__builtin_mul_overflow(MinDay(now), kNanosPerDay, &min_ts)) min_ts = INT64_MIN;
  return IngestBatch(min_ts, max_ts, &payload_pool_);
}

Status StorageEngine::Add(std::vector<LogRow> rows, AddResult* result) {
  IngestBatch batch = NewBatch();
  batch.AppendRows(rows);
  return AddBatch(std::move(batch), result);
}

Status StorageEngine::AddBatch(IngestBatch batch, AddResult* result) {
  AddResult local;
  if (!result) result = &local;
  *result = AddResult();
  std::shared_lock<std::shared_mutex> add_lk(add_rw_);
  if (!accepting_) return Status::Unavailable("storage is closed");
  if (read_only_.load(std::memory_order_relaxed))
    return Status::ResourceExhausted(
        "storage is read-only: free disk space at -storageDataPath=" + opts_.data_path + " is " +
        std::to_string(free_disk_bytes_.load()) + " bytes, below -storage.minFreeDiskSpaceBytes=" +
        std::to_string(opts_.min_free_disk_space_bytes));
  result->rows_too_old = batch.too_old();
  result->rows_too_new = batch.too_new();
  if (batch.too_old() + batch.too_new() > 0) {
    LogRejected(batch.last_rejected_ts() < WallNanos() ? "too old" : "too far in the future",
                batch.last_rejected_ts());
  }
  rows_too_old_ += result->rows_too_old;
  rows_too_new_ += result->rows_too_new;
  const uint64_t n = batch.rows();
  if (n == 0) return Status::OK();
  VL_RETURN_IF_ERROR(WaitForRoom());
  std::vector<std::string> chunks = batch.TakePayloads();
  std::vector<std::string_view> pieces(chunks.begin(), chunks.end());
  uint64_t lsn;
  {
    std::lock_guard<std::mutex> lk(ingest_mu_);
    // The WAL writes straight from the chunks' heap buffers, which moving the strings into the
    // memtable keeps in place (a chunk always exceeds the small-string buffer: >= 22 bytes).
    lsn = wal_->Append(pieces);
    for (std::string& chunk : chunks) memtable_.push_back(std::move(chunk));
    pending_rows_ += n;
  }
  if (pending_rows_ > opts_.max_pending_rows) {
    std::lock_guard<std::mutex> lk(bg_mu_);
    flush_requested_ = true;
    bg_cv_.notify_all();
  }
  Status st = wal_->WaitDurable(lsn);
  if (!st.ok()) return st;
  rows_ingested_ += n;
  result->rows_accepted = n;
  return Status::OK();
}

Status StorageEngine::WaitForRoom() {
  if (pending_rows_ <= max_pending_hard_) return Status::OK();
  {
    std::lock_guard<std::mutex> lk(bg_mu_);
    flush_requested_ = true;
    bg_cv_.notify_all();
  }
  std::unique_lock<std::mutex> lk(room_mu_);
  // Bounded: a flusher that keeps failing must not hang clients forever.
  bool room = room_cv_.wait_for(lk, std::chrono::seconds(30), [&] {
    return closing_ || pending_rows_ <= max_pending_hard_;
  });
  if (closing_) return Status::Unavailable("storage is closed");
  if (!room)
    return Status::Unavailable("storage is overloaded: " + std::to_string(pending_rows_.load()) +
                               " rows wait for a flush (limit " + std::to_string(max_pending_hard_) +
                               ")");
  return Status::OK();
}

void StorageEngine::WakeWaiters() {
  // Taking the mutex orders the wake-up after a waiter's predicate check: no lost notification.
  std::lock_guard<std::mutex> lk(room_mu_);
  room_cv_.notify_all();
}

Result<std::shared_ptr<Partition>> StorageEngine::GetPartition(int64_t day) {
  std::lock_guard<std::mutex> lk(partitions_mu_);
  auto it = partitions_.find(day);
  if (it != partitions_.end()) return it->second;
  auto p = Partition::Open(partitions_dir_ + "/" + DayName(day), day, !opts_.disable_fsync);
  if (!p.ok()) return p.status();
  if (!opts_.disable_fsync) (void)FsyncDir(partitions_dir_);
  partitions_[day] = p.value();
  return p.value();
}

std::vector<std::shared_ptr<Partition>> StorageEngine::PartitionsSnapshot() const {
  std::lock_guard<std::mutex> lk(partitions_mu_);
  std::vector<std::shared_ptr<Partition>> out;
  for (const auto& [d, p] : partitions_) out.push_back(p);
  return out;
}

Status StorageEngine::Flush() {
  std::lock_guard<std::mutex> flush_lk(flush_mu_);
  std::vector<std::string> payloads;
  uint64_t seq, lsn;
  {
    std::lock_guard<std::mutex> lk(ingest_mu_);
    payloads.swap(memtable_);
    seq = wal_->Rotate(&lsn);
  }
  // Records of the old segments must be on disk before the segments can be deleted.
  Status wal_st = wal_->WaitDurable(lsn);
  RowBatch batch(std::move(payloads));
  if (!batch.Decode()) {
    // Cannot happen for payloads this process encoded; keep them so no row is lost.
    std::lock_guard<std::mutex> lk(ingest_mu_);
    for (auto& p : batch.TakePayloads()) memtable_.push_back(std::move(p));
    return Status::Corruption("storage: cannot decode pending rows");
  }
  Status result;
  for (auto& [day, v] : batch.days()) {
    size_t n = v.size();
    Status st;
    auto p = GetPartition(day);
    if (p.ok()) st = p.value()->AddRows(batch, &v, seq, next_part_id_++, &bytes_flush_);
    else st = p.status();
    if (!st.ok()) {
      spdlog::error("storage: flush of partition {} failed: {}", DayName(day), st.ToString());
      std::string keep;
      EncodeRowRefs(v, &keep);
      std::lock_guard<std::mutex> lk(ingest_mu_);
      memtable_.push_back(std::move(keep));
      result = st;
      continue;
    }
    pending_rows_ -= n;
    WakeWaiters();
  }
  if (result.ok() && wal_st.ok()) wal_->DeleteSegmentsBefore(seq);
  for (auto& p : batch.TakePayloads()) payload_pool_.Return(std::move(p));
  return result;
}

Status StorageEngine::ForceFlush() {
  if (!accepting_) return Status::Unavailable("storage is closed");
  return Flush();
}

void StorageEngine::ForceMerge(const std::string& partition_prefix) {
  std::lock_guard<std::mutex> lk(bg_mu_);
  merge_requests_.push_back(partition_prefix);
  bg_cv_.notify_all();
}

void StorageEngine::FlusherLoop() {
  auto interval = std::chrono::milliseconds(std::max<int64_t>(opts_.flush_interval_ms, 1));
  while (!stop_) {
    {
      std::unique_lock<std::mutex> lk(bg_mu_);
      bg_cv_.wait_for(lk, interval, [&] { return stop_.load() || flush_requested_; });
      flush_requested_ = false;
    }
    if (stop_) break;
    if (pending_rows_ == 0) {
      if (ingested_since_trim_) {  // ingestion went idle
        ingested_since_trim_ = false;
        payload_pool_.Clear();
        ReleaseFreeMemory();
      }
      continue;
    }
    ingested_since_trim_ = true;
    Status st = Flush();
    if (!st.ok()) spdlog::error("storage: background flush failed: {}", st.ToString());
    std::lock_guard<std::mutex> lk(bg_mu_);
    merge_check_ = true;
    bg_cv_.notify_all();
  }
}

void StorageEngine::MergerLoop() {
  while (!stop_) {
    std::vector<std::string> requests;
    {
      std::unique_lock<std::mutex> lk(bg_mu_);
      bg_cv_.wait_for(lk, std::chrono::seconds(1),
                      [&] { return stop_.load() || !merge_requests_.empty() || merge_check_; });
      requests.swap(merge_requests_);
      merge_check_ = false;
    }
    if (stop_) break;
    // A merge needs room for its output: on a nearly full disk it could take the last bytes
    // the WAL needs, so merging waits until the node is writable again.
    if (read_only_.load()) {
      if (!requests.empty()) {
        spdlog::warn("storage: read-only (low disk space), skipping force merge");
        force_merges_skipped_read_only_ += requests.size();
      }
      continue;
    }
    if (!requests.empty()) ReleaseFreeMemory();
    for (const auto& p : PartitionsSnapshot()) {
      bool all = false;
      for (const auto& prefix : requests)
        if (p->name().compare(0, prefix.size(), prefix) == 0) all = true;
      while (!stop_) {
        auto merged = p->Merge(all, next_part_id_++, &stop_, &bytes_merge_);
        if (!merged.ok()) {
          if (merged.status().code() != Status::Code::kCancelled)
            spdlog::error("storage: merge in {} failed: {}", p->name(), merged.status().ToString());
          break;
        }
        if (!merged.value()) break;
        merges_++;
        if (all) break;
      }
    }
    if (!requests.empty()) ReleaseFreeMemory();
  }
}

Status StorageEngine::Close() {
  std::lock_guard<std::mutex> lk(close_mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  {
    std::lock_guard<std::mutex> room_lk(room_mu_);
    closing_ = true;
    room_cv_.notify_all();
  }
  {
    std::unique_lock<std::shared_mutex> add_lk(add_rw_);  // waits for in-flight Add() calls
    accepting_ = false;
  }
  {
    std::lock_guard<std::mutex> bg(bg_mu_);
    stop_ = true;
    bg_cv_.notify_all();
  }
  if (flusher_.joinable()) flusher_.join();
  if (merger_.joinable()) merger_.join();
  if (disk_guard_.joinable()) disk_guard_.join();
  Status st;
  if (wal_) {
    st = Flush();
    wal_->Stop();
    if (st.ok()) wal_->DeleteSegmentsBefore(UINT64_MAX);
  }
  if (lock_fd_ >= 0) {
    ::flock(lock_fd_, LOCK_UN);
    ::close(lock_fd_);
    lock_fd_ = -1;
  }
  return st;
}

StorageMetrics StorageEngine::GetMetrics() const {
  StorageMetrics m;
  m.rows_ingested = rows_ingested_;
  m.rows_dropped_too_old = rows_too_old_;
  m.rows_dropped_too_new = rows_too_new_;
  m.merges = merges_;
  m.force_merges_skipped_read_only = force_merges_skipped_read_only_;
  m.pending_rows = pending_rows_;
  m.wal_bytes = wal_ ? wal_->bytes() : 0;
  m.bytes_written_flush = bytes_flush_;
  m.bytes_written_merge = bytes_merge_;
  m.partitions_dropped_retention = dropped_retention_;
  m.partitions_dropped_disk_usage = dropped_disk_usage_;
  m.free_disk_bytes = free_disk_bytes_;
  m.is_read_only = read_only_ ? 1 : 0;
  for (const auto& p : PartitionsSnapshot()) {
    m.partitions++;
    for (const auto& part : p->Snapshot()) {
      m.parts++;
      m.rows_stored += part->meta().rows;
      m.disk_bytes += part->disk_bytes();
    }
  }
  return m;
}

}  // namespace vl::storage
