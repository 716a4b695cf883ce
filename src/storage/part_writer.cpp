// Writes a part directory crash-safely: <dir>.tmp, fsync files, rename into place, fsync parent.
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "vl/common/bytes_equal.h"
#include "vl/common/worker_pool.h"
#include "vl/storage/column.h"
#include "vl/storage/column_typed.h"
#include "vl/storage/format.h"
#include "vl/storage/part.h"

namespace vl::storage {

struct PartWriter::EncodedColumn {
  bool present = false;       // some value is non-empty
  bool inline_const = false;  // stored in the index, no data
  ColumnEncoding enc{};
  NumericRange range;
  std::string data;
  size_t data_size = 0;  // bytes of `data` before the bloom filter
};

std::string PartMeta::ToJson() const {
  char buf[512];
  snprintf(buf, sizeof(buf),
           "{\"format_version\":%u,\"rows\":%llu,\"blocks\":%llu,\"min_ts\":%lld,\"max_ts\":%lld,"
           "\"wal_seq\":%llu,\"data_bytes\":%llu,\"index_bytes\":%llu}\n",
           format_version, (unsigned long long)rows, (unsigned long long)blocks, (long long)min_ts,
           (long long)max_ts, (unsigned long long)wal_seq, (unsigned long long)data_bytes,
           (unsigned long long)index_bytes);
  return buf;
}

static bool JsonInt(std::string_view json, std::string_view key, long long* out) {
  std::string k = "\"" + std::string(key) + "\":";
  size_t p = json.find(k);
  if (p == std::string_view::npos) return false;
  std::string rest(json.substr(p + k.size(), 24));
  char* end = nullptr;
  errno = 0;
  *out = std::strtoll(rest.c_str(), &end, 10);
  return end != rest.c_str() && errno == 0;
}

bool PartMeta::FromJson(std::string_view json, PartMeta* m) {
  long long v[8];
  const char* keys[] = {"format_version", "rows",    "blocks",     "min_ts",
                        "max_ts",         "wal_seq", "data_bytes", "index_bytes"};
  for (int i = 0; i < 8; i++)
    if (!JsonInt(json, keys[i], &v[i])) return false;
  m->format_version = static_cast<uint32_t>(v[0]);
  m->rows = v[1];
  m->blocks = v[2];
  m->min_ts = v[3];
  m->max_ts = v[4];
  m->wal_seq = v[5];
  m->data_bytes = v[6];
  m->index_bytes = v[7];
  return true;
}

PartWriter::PartWriter(std::string final_dir, bool fsync)
    : final_dir_(std::move(final_dir)), tmp_dir_(final_dir_ + ".tmp"), fsync_(fsync) {}

PartWriter::~PartWriter() {
  if (!done_) Abort();
}

Status PartWriter::Begin() {
  RemoveAll(tmp_dir_);
  VL_RETURN_IF_ERROR(MakeDirs(tmp_dir_));
  std::string path = tmp_dir_ + "/data.bin";
  data_fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (data_fd_ < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  meta_.min_ts = INT64_MAX;
  meta_.max_ts = INT64_MIN;
  return Status::OK();
}

Status PartWriter::FlushData(bool force) {
  if (data_buf_.empty() || (!force && data_buf_.size() < (4u << 20))) return Status::OK();
  size_t off = 0;
  while (off < data_buf_.size()) {
    ssize_t n = ::write(data_fd_, data_buf_.data() + off, data_buf_.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("write part data: " + std::string(std::strerror(errno)));
    }
    off += static_cast<size_t>(n);
  }
  data_buf_.clear();
  return Status::OK();
}

void PartWriter::PutRange(const NumericRange& range) {
  if (!range.valid) return;
  uint64_t bits;
  std::memcpy(&bits, &range.min, 8);
  PutFixed64(&index_, bits);
  std::memcpy(&bits, &range.max, 8);
  PutFixed64(&index_, bits);
}

Status PartWriter::AddBlock(const StreamID& id, const StreamTags& tags, const BlockInput& block) {
  size_t rows = block.timestamps.size();
  if (rows == 0) return Status::OK();
  auto [sit, new_stream] = stream_idx_.emplace(id, static_cast<uint32_t>(stream_idx_.size()));
  if (new_stream) {
    PutVarint(&streams_, id.tenant.account_id);
    PutVarint(&streams_, id.tenant.project_id);
    PutFixed64(&streams_, id.hi);
    PutFixed64(&streams_, id.lo);
    PutString(&streams_, tags.MarshalCanonical());
  }
  int64_t min_ts = block.timestamps.front(), max_ts = block.timestamps.back();
  PutVarint(&index_, sit->second);
  PutVarint(&index_, rows);
  PutZigzag(&index_, min_ts);
  PutVarint(&index_, static_cast<uint64_t>(max_ts - min_ts));
  uint64_t ts_off = data_off_ + data_buf_.size();
  EncodeTimestamps(block.timestamps, &data_buf_);
  PutVarint(&index_, ts_off);
  PutVarint(&index_, data_off_ + data_buf_.size() - ts_off);

  // Columns whose values are all empty are not stored.
  const size_t total_cols = block.columns.size();
  if (encoded_.size() < total_cols) encoded_.resize(total_cols);
  size_t ncols = 0;
  for (size_t c = 0; c < total_cols; c++) {
    EncodedColumn& e = encoded_[c];
    const auto& col = block.columns[c];
    e.present = false;
    for (auto v : col)
      if (!v.empty()) {
        e.present = true;
        break;
      }
    if (!e.present) continue;
    ncols++;
    bool same = true;
    for (size_t i = 1; i < col.size() && same; i++) same = BytesEqual(col[i], col[0]);
    e.inline_const = same && col[0].size() <= kMaxInlineConstBytes;
  }
  PutVarint(&index_, ncols);

  // Encoding, token hashing, bloom filters and compression of one column do not depend on the
  // others: big blocks spread their columns over the shared worker pool (a flush is otherwise
  // one thread doing most of the ingestion work while the other core idles).
  std::atomic<size_t> next{0};
  auto encode_columns = [&] {
    thread_local std::vector<std::string_view> distinct;
    thread_local std::vector<uint64_t> token_hashes;
    for (size_t c; (c = next.fetch_add(1)) < total_cols;) {
      EncodedColumn& e = encoded_[c];
      if (!e.present || e.inline_const) continue;
      e.data.clear();
      e.enc = EncodeColumn(block.columns[c], &e.data, &distinct, &e.range);
      e.data_size = e.data.size();
      // Tokenizing the distinct values of a dictionary column gives the same tokens, far cheaper.
      const bool few = e.enc == ColumnEncoding::kConst || e.enc == ColumnEncoding::kDict;
      CollectTokenHashes(few ? distinct : block.columns[c], &token_hashes);
      BloomFilter::BuildFromHashes(token_hashes, &e.data);
    }
  };
  if (rows >= kParallelBlockRows && ncols > 1) {
    WorkerPool& pool = WorkerPool::Shared();
    pool.Run(std::min(pool.size(), ncols - 1), encode_columns);
  } else {
    encode_columns();
  }

  for (size_t c = 0; c < total_cols; c++) {
    const EncodedColumn& e = encoded_[c];
    if (!e.present) continue;
    auto [nit, new_name] =
        name_idx_.emplace(std::string(block.names[c]), static_cast<uint32_t>(name_idx_.size()));
    if (new_name) PutString(&names_, block.names[c]);
    PutVarint(&index_, nit->second);
    if (e.inline_const) {
      // Inline const: no data chunk, no bloom filter (the reader tokenizes the value itself).
      const std::string_view value = block.columns[c][0];
      PutVarint(&index_, static_cast<uint8_t>(ColumnEncoding::kConst));
      NumericRange range = ComputeNumericRange({value});
      PutVarint(&index_, 2 | (range.valid ? 1 : 0));
      PutString(&index_, value);
      PutRange(range);
      continue;
    }
    const uint64_t off = data_off_ + data_buf_.size();
    data_buf_.append(e.data);
    PutVarint(&index_, static_cast<uint8_t>(e.enc));
    PutVarint(&index_, e.range.valid ? 1 : 0);
    PutVarint(&index_, off);
    PutVarint(&index_, e.data_size);
    PutVarint(&index_, off + e.data_size);
    PutVarint(&index_, e.data.size() - e.data_size);
    PutRange(e.range);
  }
  meta_.rows += rows;
  meta_.blocks++;
  meta_.min_ts = std::min(meta_.min_ts, min_ts);
  meta_.max_ts = std::max(meta_.max_ts, max_ts);
  if (data_buf_.size() >= (4u << 20)) {
    uint64_t n = data_buf_.size();
    VL_RETURN_IF_ERROR(FlushData(true));
    data_off_ += n;
  }
  return Status::OK();
}

Status PartWriter::Finish(uint64_t wal_seq, PartMeta* meta) {
  uint64_t n = data_buf_.size();
  VL_RETURN_IF_ERROR(FlushData(true));
  data_off_ += n;
  if (fsync_ && ::fdatasync(data_fd_) != 0)
    return Status::IOError("fsync part data: " + std::string(std::strerror(errno)));
  ::close(data_fd_);
  data_fd_ = -1;

  std::string raw = "VLPI";
  PutVarint(&raw, kPartFormatVersion);
  PutVarint(&raw, stream_idx_.size());
  raw += streams_;
  PutVarint(&raw, name_idx_.size());
  raw += names_;
  PutVarint(&raw, meta_.blocks);
  raw += index_;
  std::string index;
  CompressChunk(raw, 3, &index);
  PutFixed64(&index, XXH64(index.data(), index.size(), 0));
  VL_RETURN_IF_ERROR(WriteFileSync(tmp_dir_ + "/index.bin", index, fsync_));

  meta_.wal_seq = wal_seq;
  meta_.data_bytes = data_off_;
  meta_.index_bytes = index.size();
  if (meta_.rows == 0) meta_.min_ts = meta_.max_ts = 0;
  VL_RETURN_IF_ERROR(WriteFileSync(tmp_dir_ + "/meta.json", meta_.ToJson(), fsync_));
  if (fsync_) VL_RETURN_IF_ERROR(FsyncDir(tmp_dir_));
  RemoveAll(final_dir_);
  if (::rename(tmp_dir_.c_str(), final_dir_.c_str()) != 0)
    return Status::IOError("rename " + tmp_dir_ + ": " + std::strerror(errno));
  if (fsync_) VL_RETURN_IF_ERROR(FsyncDir(std::filesystem::path(final_dir_).parent_path().string()));
  done_ = true;
  *meta = meta_;
  return Status::OK();
}

void PartWriter::Abort() {
  if (data_fd_ >= 0) ::close(data_fd_);
  data_fd_ = -1;
  RemoveAll(tmp_dir_);
  done_ = true;
}

}  // namespace vl::storage
