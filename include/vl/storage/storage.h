// The storage engine of one node: durable ingestion, per-day partitions, searchable parts.
//
// Durability contract: when Add() returns OK every accepted row is on disk (write-ahead log,
// fsynced with group commit) and survives kill -9. Rows become searchable within one second
// (ForceFlush() makes them searchable at once).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/status.h"
#include "vl/storage/block.h"

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
  // catches up (or fails with Unavailable after 30 s). 0 = 4 x max_pending_rows.
  uint64_t max_pending_rows_hard = 0;
  // Group-commit window for the write-ahead log.
  int64_t wal_sync_window_us = 2000;
  // Test hook: skip fsync (never used by the server binary).
  bool disable_fsync = false;
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
  uint64_t wal_bytes = 0;
  uint64_t pending_rows = 0;       // durable in the WAL but not yet in a part
};

class Storage : public Searchable {
 public:
  // Opens (creating if needed) the data directory, removes half-written parts, replays the WAL.
  static Result<std::unique_ptr<Storage>> Open(const StorageOptions& options);
  ~Storage() override = default;

  // Stores the rows durably. Thread-safe; concurrent callers share one fsync.
  virtual Status Add(std::vector<LogRow> rows, AddResult* result) = 0;
  // Makes all acknowledged rows searchable now.
  virtual Status ForceFlush() = 0;
  // Starts merging all parts of partitions whose name (YYYYMMDD) starts with the prefix.
  virtual void ForceMerge(const std::string& partition_prefix) = 0;
  // Flushes everything to parts, stops background work. Idempotent.
  virtual Status Close() = 0;
  virtual StorageMetrics GetMetrics() const = 0;
};

}  // namespace vl
