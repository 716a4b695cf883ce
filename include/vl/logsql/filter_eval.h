// Vectorized filter evaluation: a filter narrows a row bitmap of a whole block at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/common/stream.h"
#include "vl/logsql/filter.h"

namespace vl::logsql {

using Bitmap = std::vector<uint8_t>;  // one byte per row: 1 = selected

// Values of a field for all rows: per-row views, or one constant for every row.
struct FieldValues {
  const std::string_view* values = nullptr;  // nullptr => `constant` applies to all rows
  std::string_view constant;
  std::string_view at(size_t i) const { return values ? values[i] : constant; }
};

// What the evaluator reads rows from (a storage block, or a block of pipe results).
class EvalSource {
 public:
  virtual ~EvalSource() = default;
  virtual size_t rows() const = 0;
  virtual FieldValues Get(std::string_view field) = 0;
  // False only when no row's `field` contains `token` as a whole word.
  virtual bool MayContainToken(std::string_view field, std::string_view token) { return true; }
  // Row timestamps (ns), or nullptr when unknown.
  virtual const int64_t* timestamps() = 0;
  // Min/max row timestamp when cheaply known.
  virtual std::optional<std::pair<int64_t, int64_t>> time_bounds() { return std::nullopt; }
  // Min/max of the field's non-empty values when all are plain numbers (block header); false
  // when unknown. Lets range filters reject a whole block without reading the column.
  virtual bool NumericRange(std::string_view field, double* min, double* max) { return false; }
  // Per-row numbers of a numerically stored field, as std::from_chars reads the text (NaN where
  // empty); nullptr when unavailable. Range filters then skip text parsing.
  virtual const double* NumericValues(std::string_view field) { return nullptr; }
  // Stream of all rows, or nullptr when rows may come from different streams.
  virtual const StreamTags* stream_tags() = 0;
};

// Clears the bits of rows that `f` rejects; rows already cleared are not examined.
void EvalFilter(const Filter& f, EvalSource& src, Bitmap* bm);

// Token-boundary matching (spec §1, §5 #6-#8); exposed for tests.
bool MatchPhrase(std::string_view s, std::string_view phrase);
bool MatchPrefix(std::string_view s, std::string_view prefix);

// False when the block's min/max header proves no row can pass the kRange filter `f`.
bool RangeMayMatch(const Filter& f, EvalSource& src);

// Tokens that every value matching a top-level word/phrase/prefix/exact filter must contain.
// Appends (field, token) pairs.
void RequiredTokens(const Filter& f, std::vector<std::pair<std::string, std::string>>* tokens);

}  // namespace vl::logsql
