#include "vl/storage/ingest_batch.h"

#include <cstring>
#include <utility>

namespace vl::storage {

namespace {

constexpr size_t kScratchBytes = 64 * 1024;
constexpr size_t kCountBytes = 5;  // a varint padded to 5 bytes holds any uint32 row count

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) n++;
  return n;
}

char* WriteVarint(char* p, uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>((v & 0x7f) | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

char* WriteString(char* p, std::string_view s) {
  p = WriteVarint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may hold a null pointer
  return p + s.size();
}

uint64_t Zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

}  // namespace

IngestBatch::IngestBatch(int64_t min_ts, int64_t max_ts, BufferPool* pool)
    : min_ts_(min_ts), max_ts_(max_ts), pool_(pool), scratch_(kScratchBytes) {}

void IngestBatch::Append(const RowView& row) {
  if (row.timestamp < min_ts_) {
    too_old_++;
    last_rejected_ts_ = row.timestamp;
    return;
  }
  if (row.timestamp > max_ts_) {
    too_new_++;
    last_rejected_ts_ = row.timestamp;
    return;
  }
  size_t size = VarintLen(row.tenant.account_id) + VarintLen(row.tenant.project_id) +
                VarintLen(Zigzag(row.timestamp)) + 16 + VarintLen(row.stream_tags.size()) +
                row.stream_tags.size() + VarintLen(row.fields.size());
  for (const FieldView& f : row.fields)
    size += VarintLen(f.name.size()) + f.name.size() + VarintLen(f.value.size()) + f.value.size();
  if (size > scratch_.size() - used_) {
    Spill();
    if (size > scratch_.size()) scratch_.resize(size);  // one huge row
  }
  char* p = scratch_.data() + used_;
  p = WriteVarint(p, row.tenant.account_id);
  p = WriteVarint(p, row.tenant.project_id);
  p = WriteVarint(p, Zigzag(row.timestamp));
  std::memcpy(p, &row.stream_id.hi, 8);  // little-endian, as PutFixed64
  std::memcpy(p + 8, &row.stream_id.lo, 8);
  p += 16;
  p = WriteString(p, row.stream_tags);
  p = WriteVarint(p, row.fields.size());
  for (const FieldView& f : row.fields) {
    p = WriteString(p, f.name);
    p = WriteString(p, f.value);
  }
  used_ += size;
  rows_++;
  scratch_rows_++;
}

void IngestBatch::AppendRows(const std::vector<LogRow>& rows) {
  std::string tags;
  std::vector<FieldView> fields;
  for (const LogRow& r : rows) Append(ViewOf(r, &tags, &fields));
}

void IngestBatch::Spill() {
  if (scratch_rows_ == 0) return;
  if (chunk_rows_ > 0 && chunk_.size() + used_ > kChunkBytes) FinishChunk();
  if (chunk_rows_ == 0) {
    if (chunk_.capacity() < kChunkBytes) {
      if (pool_ != nullptr) chunk_ = pool_->Take();
      chunk_.reserve(kChunkBytes);
    }
    chunk_.assign(kCountBytes, '\0');
  }
  chunk_.append(scratch_.data(), used_);
  chunk_rows_ += scratch_rows_;
  used_ = 0;
  scratch_rows_ = 0;
  if (scratch_.size() > kScratchBytes) {  // do not keep a huge row's scratch
    scratch_.resize(kScratchBytes);
    scratch_.shrink_to_fit();
  }
}

void IngestBatch::FinishChunk() {
  uint64_t n = chunk_rows_;
  for (size_t i = 0; i < kCountBytes; i++, n >>= 7)
    chunk_[i] = static_cast<char>((n & 0x7f) | (i + 1 < kCountBytes ? 0x80 : 0));
  chunks_.push_back(std::move(chunk_));
  chunk_ = std::string();
  chunk_rows_ = 0;
}

std::vector<std::string> IngestBatch::TakePayloads() {
  Spill();
  if (chunk_rows_ > 0) FinishChunk();
  rows_ = too_old_ = too_new_ = 0;
  last_rejected_ts_ = 0;
  return std::exchange(chunks_, {});
}

std::string IngestBatch::TakePayload() {
  std::vector<std::string> chunks = TakePayloads();
  if (chunks.empty()) return std::string(1, '\0');  // zero rows
  std::string out = std::move(chunks[0]);
  for (size_t i = 1; i < chunks.size(); i++) out += chunks[i];
  return out;
}

}  // namespace vl::storage
