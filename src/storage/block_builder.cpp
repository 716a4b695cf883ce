#include "vl/storage/block_builder.h"

#include <algorithm>
#include <numeric>

#include "vl/common/bytes_equal.h"

namespace vl::storage {

namespace {
constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kPrefetchRows = 6;
}  // namespace

size_t BlockBuilder::CollectFields(std::span<const RowRef> rows) {
  fields_.clear();
  row_start_.clear();
  size_t n = 0, bytes = 0;
  while (n < rows.size() && n < kMaxBlockRows && bytes < kMaxBlockBytes) {
    // Rows sorted by stream and time sit far apart in the memtable: fetch a few rows ahead so
    // the reads below do not wait for memory one row at a time.
    if (n + kPrefetchRows < rows.size()) {
      const RowRef& ahead = rows[n + kPrefetchRows];
      for (uint32_t off = 0; off < ahead.raw_size; off += 64) __builtin_prefetch(ahead.raw + off);
    }
    row_start_.push_back(static_cast<uint32_t>(fields_.size()));
    FieldReader fr(rows[n].fields());
    FieldView f;
    while (fr.Next(&f.name, &f.value)) {
      bytes += f.value.size() + 1;
      fields_.push_back(f);
    }
    n++;
  }
  row_start_.push_back(static_cast<uint32_t>(fields_.size()));
  return n;
}

void BlockBuilder::BuildColumns(std::span<const RowRef> rows) {
  const size_t nrows = rows.size();
  field_col_.assign(fields_.size(), kNone);
  col_of_.clear();
  col_names_.clear();
  for (size_t r = 0; r < nrows; r++) {
    const uint32_t begin = row_start_[r], end = row_start_[r + 1];
    const uint32_t prev_begin = r ? row_start_[r - 1] : 0, prev_end = r ? begin : 0;
    for (uint32_t k = begin; k < end; k++) {
      const FieldView& f = fields_[k];
      if (f.value.empty()) continue;  // empty values are absent fields
      // Rows of a stream usually list the same fields in the same order: try the field at the
      // same position of the previous row before hashing the name.
      const uint32_t pk = prev_begin + (k - begin);
      if (pk < prev_end && field_col_[pk] != kNone && BytesEqual(fields_[pk].name, f.name)) {
        field_col_[k] = field_col_[pk];
        continue;
      }
      auto [it, added] = col_of_.emplace(f.name, static_cast<uint32_t>(col_names_.size()));
      if (added) col_names_.push_back(f.name);
      field_col_[k] = it->second;
    }
  }
  // Sort the column names once and renumber, instead of keeping an ordered set per row.
  const size_t ncols = col_names_.size();
  order_.resize(ncols);
  std::iota(order_.begin(), order_.end(), 0u);
  std::sort(order_.begin(), order_.end(),
            [&](uint32_t a, uint32_t b) { return col_names_[a] < col_names_[b]; });
  rank_.resize(ncols);
  in_.names.resize(ncols);
  for (uint32_t i = 0; i < ncols; i++) {
    rank_[order_[i]] = i;
    in_.names[i] = col_names_[order_[i]];
  }
  in_.columns.resize(ncols);
  for (auto& col : in_.columns) col.assign(nrows, std::string_view());
  in_.timestamps.resize(nrows);
  for (size_t r = 0; r < nrows; r++) {
    in_.timestamps[r] = rows[r].timestamp;
    // A repeated name keeps its last value, as a map assignment would.
    for (uint32_t k = row_start_[r]; k < row_start_[r + 1]; k++)
      if (field_col_[k] != kNone) in_.columns[rank_[field_col_[k]]][r] = fields_[k].value;
  }
}

Status BlockBuilder::Build(std::span<const RowRef> rows, const Emit& emit) {
  while (!rows.empty()) {
    size_t n = CollectFields(rows);
    BuildColumns(rows.first(n));
    VL_RETURN_IF_ERROR(emit(in_));
    rows = rows.subspan(n);
  }
  return Status::OK();
}

}  // namespace vl::storage
