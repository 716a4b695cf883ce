// What filters read rows from: a storage block, or a block of pipe results. Filters evaluate a
// whole block at a time into a row bitmap.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/common/stream.h"

namespace vl::logsql {

using Bitmap = std::vector<uint8_t>;  // one byte per row: 1 = selected

// Values of a field for all rows: per-row views, or one constant for every row.
struct FieldValues {
  const std::string_view* values = nullptr;  // nullptr => `constant` applies to all rows
  std::string_view constant;
  std::string_view at(size_t i) const { return values ? values[i] : constant; }
};

class EvalSource {
 public:
  virtual ~EvalSource() = default;
  virtual size_t rows() const = 0;
  virtual FieldValues Get(std::string_view field) = 0;

  // ---- Metadata: cheap, never decodes a column. Filters prove blocks empty from these. ----

  // False only when no row's `field` contains `token` as a whole word.
  virtual bool MayContainToken(std::string_view field, std::string_view token) { return true; }
  // Min/max row timestamp when cheaply known.
  virtual std::optional<std::pair<int64_t, int64_t>> time_bounds() { return std::nullopt; }
  // Min/max of the field's non-empty values when all are plain numbers (block header); false
  // when unknown. Lets range filters reject a whole block without reading the column.
  virtual bool NumericRange(std::string_view field, double* min, double* max) { return false; }
  // True when every row holds the same `*value` for the field ("" when the block lacks it) and
  // that is known without reading the column.
  virtual bool KnownConst(std::string_view field, std::string_view* value) { return false; }
  // Stream of all rows, or nullptr when rows may come from different streams.
  virtual const StreamTags* stream_tags() = 0;
  // Stream id of all rows, or nullptr when rows may come from different streams.
  virtual const StreamID* stream_id() { return nullptr; }
  // How the field is stored in this block (`const`, `dict`, `string`, `uint8` ... `iso8601`);
  // empty when the block does not know (rows that are not a storage block).
  virtual std::string_view ColumnType(std::string_view field) { return {}; }

  // ---- Typed access to values ----

  // Row timestamps (ns), or nullptr when unknown.
  virtual const int64_t* timestamps() = 0;
  // Per-row numbers of a numerically stored field, as std::from_chars reads the text (NaN where
  // empty); nullptr when unavailable. Range filters then skip text parsing.
  virtual const double* NumericValues(std::string_view field) { return nullptr; }
};

}  // namespace vl::logsql
