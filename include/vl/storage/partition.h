// One day of data: `<data>/partitions/YYYYMMDD/` with parts/ and the parts list parts.json.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/storage/part.h"
#include "vl/storage/row_batch.h"
#include "vl/storage/stream_index.h"

namespace vl::storage {

class Partition {
 public:
  // Loads the listed parts; removes unlisted and half-written (.tmp) part directories.
  static Result<std::shared_ptr<Partition>> Open(const std::string& dir, int64_t day, bool fsync);

  int64_t day() const { return day_; }
  const std::string& name() const { return name_; }
  const std::string& dir() const { return dir_; }
  std::vector<std::shared_ptr<Part>> Snapshot() const;
  // Every stream of every part listed now or before. A part's streams are added before the part
  // is listed, so a lookup made after Snapshot() knows every stream of the snapshot's parts.
  const StreamIndex& stream_index() const { return stream_index_; }
  // Largest wal_seq of the parts: WAL records of smaller segments are already in this partition.
  uint64_t covered_wal_seq() const;

  // Sorts the rows (views into `batch`) by (stream, time), writes them as a new part and lists it.
  // `bytes_written` (optional) grows by the size of the written part.
  Status AddRows(const RowBatch& batch, std::vector<RowRef>* rows, uint64_t wal_seq,
                 uint64_t part_id, std::atomic<uint64_t>* bytes_written = nullptr);
  // Convenience for tools and tests: the same for LogRows, whatever their day.
  Status AddRows(std::vector<LogRow>* rows, uint64_t wal_seq, uint64_t part_id);
  // Tiered merge of similar-sized small parts (or all parts when `all`). Returns whether merged.
  // `bytes_written` (optional) grows by the size of the merged part, even if it is discarded,
  // before the part list changes (so metrics never show a merge without its bytes).
  Result<bool> Merge(bool all, uint64_t part_id, const std::atomic<bool>* stop,
                     std::atomic<uint64_t>* bytes_written = nullptr);
  // Bytes of all listed parts (what -retention.maxDiskSpaceUsageBytes counts).
  uint64_t DiskBytes() const;
  // Removes the partition (retention). Parts in use by searches go away when released.
  void Drop();

  static std::string PartDirName(uint64_t id);

 private:
  Partition(std::string dir, int64_t day, bool fsync);
  Status WriteListLocked();
  Status MergeParts(const std::vector<std::shared_ptr<Part>>& in, uint64_t part_id,
                    const std::atomic<bool>* stop, std::shared_ptr<Part>* out);

  const std::string dir_;
  const int64_t day_;
  const std::string name_;
  const bool fsync_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Part>> parts_;
  StreamIndex stream_index_;  // has its own lock
  bool dropped_ = false;
  std::mutex merge_mu_;
};

}  // namespace vl::storage
