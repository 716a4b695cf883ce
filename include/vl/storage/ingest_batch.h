// The rows of one insert request, encoded as a write-ahead-log payload on the ingesting thread.
//
// Storage::NewBatch() hands one out with the retention window of the moment; the producer
// Append()s RowViews (rows outside the window are counted and dropped) and Storage::AddBatch()
// makes the payload durable and pending for the next flush. Each row is written once, straight
// from the parser's buffers into the payload: no LogRow, no per-field heap string.
//
// The rows land in 256 KiB chunks from the engine's BufferPool: every chunk is a payload of its
// own, so buffers never grow (no reallocation copies, no fresh pages to fault in) and are reused
// from flush to flush. AddBatch() writes a batch's chunks as one WAL record.
//
// Payload format (also what the WAL stores and a flush decodes in place, see row_batch.h):
// varint row count, then per row varint AccountID, varint ProjectID, zigzag varint timestamp,
// fixed64 stream id hi, fixed64 lo, string canonical tags, varint field count, (string name,
// string value) per field; strings are varint length + bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vl/common/row_view.h"
#include "vl/storage/buffer_pool.h"

namespace vl::storage {

class IngestBatch {
 public:
  // Keeps rows with min_ts <= timestamp <= max_ts. Chunks come from `pool` when given.
  IngestBatch(int64_t min_ts, int64_t max_ts, BufferPool* pool = nullptr);
  IngestBatch(IngestBatch&&) = default;
  IngestBatch& operator=(IngestBatch&&) = default;

  void Append(const RowView& row);
  // The same for owned rows (tests, tools, Storage::Add); zero stream ids are computed.
  void AppendRows(const std::vector<LogRow>& rows);

  uint64_t rows() const { return rows_; }
  uint64_t too_old() const { return too_old_; }
  uint64_t too_new() const { return too_new_; }
  // The timestamp of the last dropped row (for the log line), 0 when none was dropped.
  int64_t last_rejected_ts() const { return last_rejected_ts_; }
  // The finished chunks, each a payload; the batch is empty afterwards.
  std::vector<std::string> TakePayloads();
  // All chunks as one payload (tests, tools).
  std::string TakePayload();

  static constexpr size_t kChunkBytes = 256 * 1024;

 private:
  // Moves the scratch rows into the current chunk, starting a new chunk when it is full.
  void Spill();
  void FinishChunk();

  int64_t min_ts_;
  int64_t max_ts_;
  BufferPool* pool_;
  std::vector<std::string> chunks_;
  std::string chunk_;        // starts with a 5-byte row count, patched by FinishChunk
  uint64_t chunk_rows_ = 0;  // rows in chunk_
  uint64_t scratch_rows_ = 0;
  // Rows are written into this small, cache-resident buffer and appended to the payload in
  // 64 KiB pieces: the payload's cold memory is touched once, in big sequential copies.
  std::vector<char> scratch_;
  size_t used_ = 0;
  uint64_t rows_ = 0;
  uint64_t too_old_ = 0;
  uint64_t too_new_ = 0;
  int64_t last_rejected_ts_ = 0;
};

}  // namespace vl::storage
