// Rows waiting for a flush, read in place from their WAL payloads (the ingest_batch.h format).
//
// The memtable keeps the ~300-byte encoded payload of each Add() instead of LogRow objects
// (~1.2 KB per row with their many small strings), so pending rows cost little memory. A flush
// decodes the payloads into RowRefs: fixed-size views into the payload bytes, with no per-row
// heap allocation; stream tags are decoded once per distinct stream.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vl/common/stream.h"
#include "vl/storage/format.h"

namespace vl::storage {

// One encoded row, as views into its payload.
struct EncodedRow {
  StreamID stream_id;       // with the tenant
  int64_t timestamp = 0;
  std::string_view tags;    // StreamTags::MarshalCanonical bytes
  std::string_view fields;  // varint count + count x (name, value) strings
  std::string_view raw;     // the whole row: copying it re-encodes the row
};

// Reads the row at the reader position; false on malformed or truncated input.
bool ReadEncodedRow(ByteReader* r, EncodedRow* row);

// Calls fn(const EncodedRow&) for every row of a payload: one or more groups of (varint count,
// rows), e.g. the chunks of one request in one WAL record. False when the payload is malformed.
template <typename Fn>
bool ForEachEncodedRow(std::string_view payload, Fn&& fn) {
  ByteReader r(payload);
  do {
    uint64_t n;
    if (!r.Varint(&n)) return false;
    for (uint64_t i = 0; i < n; i++) {
      EncodedRow row;
      if (!ReadEncodedRow(&r, &row)) return false;
      fn(row);
    }
  } while (!r.empty());
  return true;
}

// Iterates the (name, value) pairs of an encoded, already validated fields section.
class FieldReader {
 public:
  explicit FieldReader(std::string_view fields)
      : p_(fields.data()), end_(fields.data() + fields.size()) {
    left_ = p_ < end_ ? Varint() : 0;
  }
  uint64_t count_left() const { return left_; }
  bool Next(std::string_view* name, std::string_view* value) {
    if (left_ == 0) return false;
    left_--;
    *name = String();
    *value = String();
    return true;
  }

 private:
  // Inline varint: field lengths almost always fit one byte, and this runs once per field.
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; p_ < end_ && shift < 64; shift += 7) {
      uint8_t b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  }
  std::string_view String() {
    size_t n = static_cast<size_t>(Varint());
    n = std::min<size_t>(n, static_cast<size_t>(end_ - p_));
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  const char* p_;
  const char* end_;
  uint64_t left_ = 0;
};

// A decoded row: 32 bytes pointing into a payload owned by the RowBatch.
struct RowRef {
  int64_t timestamp;
  const char* raw;      // the encoded row
  uint32_t raw_size;
  uint32_t fields_off;  // fields section = raw + fields_off .. raw + raw_size
  uint32_t stream;      // index into RowBatch::streams(); indices ascend with the stream id
  uint32_t ord;         // arrival order, keeps the sort stable

  std::string_view fields() const { return {raw + fields_off, raw_size - fields_off}; }
};

struct StreamInfo {
  StreamID id;
  StreamTags tags;
};

// The payloads of one flush, decoded and grouped by day.
class RowBatch {
 public:
  // Takes ownership of the payloads; RowRefs point into them until the batch is destroyed.
  explicit RowBatch(std::vector<std::string> payloads) : payloads_(std::move(payloads)) {}
  RowBatch(const RowBatch&) = delete;
  RowBatch& operator=(const RowBatch&) = delete;

  // Decodes every payload. False when one is malformed (or has malformed stream tags).
  bool Decode();
  // The payloads back, e.g. to keep them pending after a failed decode.
  std::vector<std::string> TakePayloads() { return std::move(payloads_); }

  const std::vector<StreamInfo>& streams() const { return streams_; }
  std::map<int64_t, std::vector<RowRef>>& days() { return days_; }
  uint64_t rows() const { return rows_; }

 private:
  std::vector<std::string> payloads_;
  std::vector<StreamInfo> streams_;
  std::map<int64_t, std::vector<RowRef>> days_;
  uint64_t rows_ = 0;
};

// Encodes rows (of any RowBatch) as one payload, e.g. rows that stay pending after a failure.
void EncodeRowRefs(std::span<const RowRef> rows, std::string* out);

}  // namespace vl::storage
