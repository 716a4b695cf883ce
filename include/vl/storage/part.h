// Immutable on-disk parts: a directory with meta.json, index.bin and data.bin.
//
// data.bin: per block a timestamps chunk, then per column a value chunk and a bloom filter.
// index.bin: CompressChunk(raw index) + u64 XXH64 of the compressed bytes. Raw index:
//   "VLPI" varint(version) | streams: n, (account, project, hi, lo, tags) | column names: n, str |
//   blocks: n, (stream_idx, rows, min_ts, max_ts-min_ts, ts_off, ts_size, ncols,
//               ncols x column record)).
// Column record, version 1: name_idx, off, size, bloom_off, bloom_size.
// Column record, version 2: name_idx, encoding, flags (1: numeric range, 2: inline const),
//   inline const ? value string : (off, size, bloom_off, bloom_size), range ? f64 min, f64 max.
//   Short const columns live in the index so that a query reads them without touching data.bin.
// Blocks are sorted by (stream id, min timestamp); block columns by name.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vl/common/status.h"
#include "vl/common/stream.h"
#include "vl/storage/block.h"
#include "vl/storage/stream_index.h"  // StreamEntry

namespace vl::storage {

struct NumericRange;
class ByteReader;

constexpr uint32_t kPartFormatVersion = 2;
constexpr uint32_t kOldestPartFormatVersion = 1;  // still readable
constexpr size_t kMaxInlineConstBytes = 256;
constexpr uint8_t kUnknownEncoding = 0xff;  // version 1 parts do not record it
constexpr size_t kMaxBlockRows = 64 * 1024;
constexpr size_t kMaxBlockBytes = 2 * 1024 * 1024;

struct PartMeta {
  uint32_t format_version = kPartFormatVersion;
  uint64_t rows = 0;
  uint64_t blocks = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  uint64_t wal_seq = 0;  // every WAL segment with a smaller seq is covered by the partition
  uint64_t data_bytes = 0;
  uint64_t index_bytes = 0;

  std::string ToJson() const;
  static bool FromJson(std::string_view json, PartMeta* out);
};

struct ColumnRef {
  uint32_t name_idx;
  uint64_t offset;
  uint32_t size;
  uint64_t bloom_offset;
  uint32_t bloom_size;
  uint8_t encoding = kUnknownEncoding;  // ColumnEncoding
  bool has_range = false;               // min/max of the values, all plain numbers
  double min = 0;
  double max = 0;
  int32_t const_idx = -1;  // into Part::const_values() when the value is inline in the index
};

struct BlockMeta {
  uint32_t stream_idx;
  uint32_t rows;
  int64_t min_ts;
  int64_t max_ts;
  uint64_t ts_offset;
  uint32_t ts_size;
  uint32_t first_col;  // into Part::columns
  uint32_t ncols;
};

// Blocks [first, end) of one stream in a part.
struct BlockRange {
  uint32_t first = 0;
  uint32_t end = 0;
};

class Part {
 public:
  static Result<std::shared_ptr<Part>> Open(const std::string& dir, uint64_t id);
  ~Part();
  Part(const Part&) = delete;
  Part& operator=(const Part&) = delete;

  uint64_t id() const { return id_; }
  const std::string& dir() const { return dir_; }
  const PartMeta& meta() const { return meta_; }
  uint64_t disk_bytes() const { return meta_.data_bytes + meta_.index_bytes; }

  const std::vector<BlockMeta>& blocks() const { return blocks_; }
  const std::vector<ColumnRef>& columns() const { return columns_; }
  const std::vector<std::string>& column_names() const { return column_names_; }
  const std::vector<StreamEntry>& streams() const { return streams_; }
  const std::vector<std::string>& const_values() const { return const_values_; }

  // True when every stream's blocks are adjacent (both writers emit blocks grouped by stream:
  // flushes sort rows by stream, merges walk streams one by one). Parts written otherwise
  // still open; searches then scan all their blocks.
  bool streams_contiguous() const { return streams_contiguous_; }
  // The blocks of streams()[stream_idx]. REQUIRES: streams_contiguous().
  BlockRange stream_blocks(uint32_t stream_idx) const { return stream_blocks_[stream_idx]; }
  // Index into streams() of the stream with this id; -1 when the part does not hold it.
  int64_t FindStream(const StreamID& id) const;

  Status Read(uint64_t offset, uint32_t size, std::string* out) const;
  // The directory is removed when the last reference goes away.
  void MarkForDeletion() { delete_on_close_ = true; }

 private:
  Part() = default;
  static bool ReadColumnRef(ByteReader* r, uint64_t version, Part* p, ColumnRef* ref);
  // Fills stream_blocks_ / streams_contiguous_ and the id lookup from blocks_ and streams_.
  void IndexStreams();
  uint64_t id_ = 0;
  std::string dir_;
  PartMeta meta_;
  int fd_ = -1;
  std::vector<BlockMeta> blocks_;
  std::vector<ColumnRef> columns_;
  std::vector<std::string> column_names_;
  std::vector<StreamEntry> streams_;
  std::vector<std::string> const_values_;
  bool streams_contiguous_ = false;
  std::vector<BlockRange> stream_blocks_;  // by stream_idx; empty unless contiguous
  // streams_ indices ordered by id; empty when streams_ is already sorted (what writers produce).
  std::vector<uint32_t> streams_by_id_;
  std::atomic<bool> delete_on_close_{false};
};

// Columnar input of one block: rows of one stream, ascending timestamps.
struct BlockInput {
  std::vector<int64_t> timestamps;
  std::vector<std::string_view> names;                 // sorted, distinct
  std::vector<std::vector<std::string_view>> columns;  // columns[i][row]
};

class PartWriter {
 public:
  // Writes into `final_dir` + ".tmp"; Finish() renames it to `final_dir`.
  PartWriter(std::string final_dir, bool fsync);
  ~PartWriter();
  Status Begin();
  Status AddBlock(const StreamID& id, const StreamTags& tags, const BlockInput& block);
  Status Finish(uint64_t wal_seq, PartMeta* meta);
  void Abort();

 private:
  Status FlushData(bool force);
  void PutRange(const NumericRange& range);
  std::string final_dir_, tmp_dir_;
  bool fsync_;
  int data_fd_ = -1;
  std::string data_buf_;
  uint64_t data_off_ = 0;
  std::string index_;  // block records
  std::unordered_map<StreamID, uint32_t, StreamIDHash> stream_idx_;
  std::string streams_;
  std::unordered_map<std::string, uint32_t> name_idx_;
  std::string names_;
  // One column of the block being added: encoded data followed by its bloom filter.
  struct EncodedColumn;
  std::vector<EncodedColumn> encoded_;  // reused from block to block
  // Blocks of at least this many rows encode their columns in parallel.
  static constexpr size_t kParallelBlockRows = 1024;
  PartMeta meta_;
  bool done_ = false;
};

// BlockView over one block of a part; decodes columns lazily and caches them.
class PartBlockView : public BlockView {
 public:
  PartBlockView() = default;
  void Reset(const Part* part, size_t block);
  const Status& error() const { return error_; }

  size_t rows_count() const override { return meta_->rows; }
  const StreamID& stream_id() const override { return part_->streams()[meta_->stream_idx].id; }
  const StreamTags& stream_tags() const override { return part_->streams()[meta_->stream_idx].tags; }
  std::span<const int64_t> timestamps() override;
  int64_t min_timestamp() const override { return meta_->min_ts; }
  int64_t max_timestamp() const override { return meta_->max_ts; }
  const std::vector<std::string>& column_names() const override;
  const ColumnValues* column(std::string_view name) override;
  bool MayContainToken(std::string_view column, std::string_view token) override;
  bool NumericRange(std::string_view column, double* min, double* max) override;
  bool ConstValue(std::string_view column, std::string_view* value) override;
  const double* NumericColumn(std::string_view column) override;
  std::string_view ColumnType(std::string_view column) override;
  std::shared_ptr<const void> ColumnOwner(std::string_view column) override;

 private:
  const ColumnRef* FindColumn(std::string_view name) const;
  const Part* part_ = nullptr;
  const BlockMeta* meta_ = nullptr;
  bool ts_loaded_ = false;
  std::vector<int64_t> ts_;
  mutable bool names_loaded_ = false;
  mutable std::vector<std::string> names_;
  struct Decoded {
    // Shared with result columns that keep views into it; replaced rather than reused then.
    std::shared_ptr<std::string> buf;
    ColumnValues values;
    bool loaded = false;
    std::string bloom;
    bool bloom_loaded = false;
    std::vector<double> nums;
    bool nums_loaded = false;
    bool nums_ok = false;
  };
  std::vector<Decoded> cols_;
  Status error_;
};

}  // namespace vl::storage
