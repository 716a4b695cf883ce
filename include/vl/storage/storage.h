// The storage engine of one node: durable ingestion, per-day partitions, searchable parts.
//
// Durability contract: when Add() returns OK every accepted row is on disk (write-ahead log,
// fsynced with group commit) and survives kill -9. Rows become searchable within one second
// (ForceFlush() makes them searchable at once).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/status.h"
#include "vl/storage/block.h"
#include "vl/storage/ingest_batch.h"

namespace vl {

struct StorageOptions {
  std::string data_path = "victoria-logs-data";
  int64_t retention_ns = 7LL * 24 * 3600 * 1'000'000'000LL;
  int64_t future_retention_ns = 2LL * 24 * 3600 * 1'000'000'000LL;
  // How long ingested rows may wait in memory before becoming a searchable part.
  int64_t flush_interval_ms = 1000;
  // A flush starts early once this many rows wait in memory; bounds ingestion memory.
  uint64_t max_pending_rows = 128 * 1024;
  // Backpressure: while more rows than this wait in memory, Add() blocks until the flusher
  // catches up (or fails with Unavailable after 30 s). 0 = 2 x max_pending_rows (keeps peak memory under 200 MiB at full ingestion speed).
  uint64_t max_pending_rows_hard = 0;
  // Group-commit window for the write-ahead log: how long the writer waits for more records
  // before a commit. Records that arrive while a commit is being written and fsynced join the
  // next one anyway; with direct I/O a 2 ms wait only added latency (368k vs 391k rows/s,
  // medians of 6 alternating runs).
  int64_t wal_sync_window_us = 0;
  // WAL segments written with O_DIRECT from a staging buffer (see Wal).
  bool wal_direct_io = true;
  // Test hook: skip fsync (never used by the server binary).
  bool disable_fsync = false;
  // -retention.maxDiskSpaceUsageBytes: the oldest day partitions are dropped while the data
  // outgrows this (the 2 newest are always kept). 0 = no limit.
  uint64_t max_disk_space_usage_bytes = 0;
  // -storage.minFreeDiskSpaceBytes: below this free space on data_path the storage turns
  // read-only (Add() fails with ResourceExhausted) until space returns. 0 = never read-only.
  uint64_t min_free_disk_space_bytes = 10'000'000;
  // Test hook: reports the free bytes of data_path instead of statvfs().
  std::function<uint64_t()> free_space_probe;
};

// What happened to one Add() call.
struct AddResult {
  uint64_t rows_accepted = 0;
  uint64_t rows_too_old = 0;     // before now - retention
  uint64_t rows_too_new = 0;     // after now + future retention
};

struct StorageMetrics {
  uint64_t rows_ingested = 0;      // since start
  uint64_t rows_dropped_too_old = 0;
  uint64_t rows_dropped_too_new = 0;
  uint64_t rows_stored = 0;        // rows in parts on disk
  uint64_t parts = 0;
  uint64_t partitions = 0;
  uint64_t disk_bytes = 0;         // bytes of all parts on disk
  uint64_t merges = 0;
  uint64_t force_merges_skipped_read_only = 0;  // merges pause while read-only
  uint64_t wal_bytes = 0;
  uint64_t pending_rows = 0;       // durable in the WAL but not yet in a part
  // Write amplification = (flush + merge) / flush.
  uint64_t bytes_written_flush = 0;  // part bytes written by flushes since start
  uint64_t bytes_written_merge = 0;  // part bytes written by merges since start
  uint64_t partitions_dropped_retention = 0;   // older than -retentionPeriod
  uint64_t partitions_dropped_disk_usage = 0;  // over -retention.maxDiskSpaceUsageBytes
  uint64_t free_disk_bytes = 0;      // at the last check (every second)
  uint64_t is_read_only = 0;         // 1 while free space < -storage.minFreeDiskSpaceBytes
};

class Storage : public Searchable {
 public:
  // Opens (creating if needed) the data directory, removes half-written parts, replays the WAL.
  static Result<std::unique_ptr<Storage>> Open(const StorageOptions& options);
  ~Storage() override = default;

  // Stores the rows durably. Thread-safe; concurrent callers share one fsync.
  // ResourceExhausted while the storage is read-only (low disk space): nothing was stored.
  virtual Status Add(std::vector<LogRow> rows, AddResult* result) = 0;
  // The ingestion path: an empty batch carrying the retention window of now, filled by one
  // thread, then stored durably by AddBatch (same contract as Add).
  virtual storage::IngestBatch NewBatch() = 0;
  virtual Status AddBatch(storage::IngestBatch batch, AddResult* result) = 0;
  // True while free disk space is below -storage.minFreeDiskSpaceBytes; inserts are refused
  // (HTTP 429) until a later check (every second) sees enough space again.
  virtual bool IsReadOnly() const = 0;
  // Makes all acknowledged rows searchable now.
  virtual Status ForceFlush() = 0;
  // Starts merging all parts of partitions whose name (YYYYMMDD) starts with the prefix.
  virtual void ForceMerge(const std::string& partition_prefix) = 0;
  // Flushes everything to parts, stops background work. Idempotent.
  virtual Status Close() = 0;
  virtual StorageMetrics GetMetrics() const = 0;
};

}  // namespace vl
