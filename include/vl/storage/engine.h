// The concrete storage engine behind Storage::Open.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "vl/storage/buffer_pool.h"
#include "vl/storage/partition.h"
#include "vl/storage/storage.h"
#include "vl/storage/wal.h"

namespace vl::storage {

class StorageEngine : public Storage {
 public:
  explicit StorageEngine(const StorageOptions& options);
  ~StorageEngine() override;
  Status Init();

  Status Add(std::vector<LogRow> rows, AddResult* result) override;
  IngestBatch NewBatch() override;
  Status AddBatch(IngestBatch batch, AddResult* result) override;
  Status ForceFlush() override;
  void ForceMerge(const std::string& partition_prefix) override;
  Status Close() override;
  StorageMetrics GetMetrics() const override;
  bool IsReadOnly() const override { return read_only_.load(std::memory_order_relaxed); }
  Status Search(const SearchSpec& spec, const BlockVisitor& visit, bool parallel) const override;

 private:
  Status Flush();
  Result<std::shared_ptr<Partition>> GetPartition(int64_t day);
  std::vector<std::shared_ptr<Partition>> PartitionsSnapshot() const;
  void FlusherLoop();
  void MergerLoop();
  // retention.cpp: day-partition retention, the disk usage cap and the free space guard.
  void ApplyRetention();
  void ApplyDiskUsageLimit();
  void CheckFreeSpace();
  void DiskGuardLoop();
  void LogRejected(const char* what, int64_t ts);
  int64_t MinDay(int64_t now) const;
  int64_t MaxDay(int64_t now) const;

  const StorageOptions opts_;
  const std::string partitions_dir_;
  const std::string wal_dir_;
  int lock_fd_ = -1;
  std::unique_ptr<Wal> wal_;

  mutable std::mutex partitions_mu_;
  std::map<int64_t, std::shared_ptr<Partition>> partitions_;

  std::mutex ingest_mu_;  // memtable + WAL append order
  // WAL payload chunks (ingest_batch.h) of the rows not yet in parts; a flush decodes them in place.
  std::vector<std::string> memtable_;
  std::atomic<uint64_t> pending_rows_{0};
  // Payload buffers a flush is done with, for the next requests (emptied when ingestion idles).
  BufferPool payload_pool_{128u << 20};

  // Backpressure: Add() waits here while too many rows are pending; the flusher and Close() wake it.
  Status WaitForRoom();
  void WakeWaiters();
  const uint64_t max_pending_hard_;
  std::mutex room_mu_;
  std::condition_variable room_cv_;
  bool closing_ = false;  // guarded by room_mu_

  std::mutex flush_mu_;
  std::atomic<uint64_t> next_part_id_{1};

  std::mutex bg_mu_;
  std::condition_variable bg_cv_;
  std::vector<std::string> merge_requests_;
  bool flush_requested_ = false;
  bool ingested_since_trim_ = false;  // flusher thread only
  bool merge_check_ = true;  // a flush added a part: look for merges
  std::atomic<bool> stop_{false};
  std::thread flusher_, merger_, disk_guard_;

  std::mutex close_mu_;
  std::shared_mutex add_rw_;  // Add() holds it shared; Close() exclusively
  bool closed_ = false;
  std::atomic<bool> accepting_{false};

  std::atomic<int64_t> last_reject_log_ns_{0};
  std::atomic<uint64_t> rows_ingested_{0}, rows_too_old_{0}, rows_too_new_{0}, merges_{0};
  std::atomic<uint64_t> force_merges_skipped_read_only_{0};
  std::atomic<uint64_t> bytes_flush_{0}, bytes_merge_{0};
  std::atomic<uint64_t> dropped_retention_{0}, dropped_disk_usage_{0};
  std::atomic<bool> read_only_{false};
  std::atomic<uint64_t> free_disk_bytes_{0};
};

}  // namespace vl::storage
