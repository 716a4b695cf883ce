#include "vl/storage/row_batch.h"

#include <numeric>

namespace vl::storage {

bool ReadEncodedRow(ByteReader* r, EncodedRow* row) {
  const std::string_view start = r->rest();
  const size_t start_pos = r->pos();
  uint64_t account, project;
  if (!r->Varint(&account) || !r->Varint(&project) || !r->Zigzag(&row->timestamp) ||
      !r->Fixed64(&row->stream_id.hi) || !r->Fixed64(&row->stream_id.lo) || !r->String(&row->tags))
    return false;
  row->stream_id.tenant = TenantID{static_cast<uint32_t>(account), static_cast<uint32_t>(project)};
  const size_t fields_pos = r->pos();
  uint64_t nf;
  if (!r->Varint(&nf)) return false;
  std::string_view k, v;
  for (uint64_t i = 0; i < nf; i++)
    if (!r->String(&k) || !r->String(&v)) return false;
  row->raw = start.substr(0, r->pos() - start_pos);
  row->fields = row->raw.substr(fields_pos - start_pos);
  return true;
}

bool RowBatch::Decode() {
  streams_.clear();
  days_.clear();
  rows_ = 0;
  std::unordered_map<StreamID, uint32_t, StreamIDHash> stream_idx;
  // Rows of one request mostly share their stream and day: remember the last ones.
  StreamID last_id;
  uint32_t last_stream = UINT32_MAX;
  int64_t day_lo = 1, day_hi = 0;  // [lo, hi) nanoseconds of last_day; empty at first
  std::vector<RowRef>* last_day = nullptr;
  bool ok = true;
  uint32_t ord = 0;
  for (const auto& payload : payloads_) {
    ok = ForEachEncodedRow(payload, [&](const EncodedRow& row) {
      if (!ok) return;
      if (last_stream == UINT32_MAX || !(row.stream_id == last_id)) {
        auto [it, added] = stream_idx.emplace(row.stream_id, static_cast<uint32_t>(streams_.size()));
        if (added) {
          StreamInfo info;
          info.id = row.stream_id;
          if (!StreamTags::UnmarshalCanonical(row.tags, &info.tags)) {
            ok = false;
            return;
          }
          streams_.push_back(std::move(info));
        }
        last_id = row.stream_id;
        last_stream = it->second;
      }
      if (row.timestamp < day_lo || row.timestamp >= day_hi) {
        int64_t day = DayOf(row.timestamp);
        day_lo = day * kNanosPerDay;
        if (__builtin_add_overflow(day_lo, kNanosPerDay, &day_hi)) day_hi = INT64_MAX;
        last_day = &days_[day];
      }
      RowRef ref;
      ref.timestamp = row.timestamp;
      ref.raw = row.raw.data();
      ref.raw_size = static_cast<uint32_t>(row.raw.size());
      ref.fields_off = static_cast<uint32_t>(row.fields.data() - row.raw.data());
      ref.stream = last_stream;
      ref.ord = ord++;
      last_day->push_back(ref);
      rows_++;
    }) && ok;
    if (!ok) return false;
  }
  // Renumber the streams in id order so that sorting rows by index sorts them by stream id.
  std::vector<uint32_t> order(streams_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return streams_[a].id < streams_[b].id; });
  std::vector<uint32_t> rank(streams_.size());
  std::vector<StreamInfo> sorted;
  sorted.reserve(streams_.size());
  for (uint32_t i = 0; i < order.size(); i++) {
    rank[order[i]] = i;
    sorted.push_back(std::move(streams_[order[i]]));
  }
  streams_ = std::move(sorted);
  for (auto& [day, rows] : days_)
    for (auto& r : rows) r.stream = rank[r.stream];
  return true;
}

void EncodeRowRefs(std::span<const RowRef> rows, std::string* out) {
  size_t bytes = 10;
  for (const auto& r : rows) bytes += r.raw_size;
  out->reserve(out->size() + bytes);
  PutVarint(out, rows.size());
  for (const auto& r : rows) out->append(r.raw, r.raw_size);
}

}  // namespace vl::storage
