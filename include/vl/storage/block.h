// The read-side view of one stored block: rows of a single stream, columnar.
// The query engine consumes blocks through this interface; the storage engine implements it.
// Calls are per block (never per row), so the virtual dispatch is off the hot path.
#pragma once

#include <cstdint>
#include <atomic>
#include <climits>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/common/status.h"
#include "vl/common/stream.h"

namespace vl {

// Values of one column for every row of a block; "" where the row lacks the field.
// The string_views stay valid until the visitor that received the block returns.
using ColumnValues = std::vector<std::string_view>;

class BlockView {
 public:
  virtual ~BlockView() = default;

  virtual size_t rows_count() const = 0;
  virtual const StreamID& stream_id() const = 0;
  virtual const StreamTags& stream_tags() const = 0;
  // Ascending within a block.
  virtual std::span<const int64_t> timestamps() = 0;
  virtual int64_t min_timestamp() const = 0;
  virtual int64_t max_timestamp() const = 0;

  // Names of the stored columns (the message is "_msg"); `_time`, `_stream`, `_stream_id` excluded.
  virtual const std::vector<std::string>& column_names() const = 0;
  // Decodes the column on first use. nullptr when the block has no such column (all values empty).
  virtual const ColumnValues* column(std::string_view name) = 0;
  // Cheap pre-check before decoding: false only when no value of the column contains `token`
  // as a whole word (bloom filter). Tokens are as produced by vl::ForEachToken.
  virtual bool MayContainToken(std::string_view column, std::string_view token) = 0;
  // Cheap, from the block header: min/max of the column's non-empty values when every one of
  // them is a plain decimal number (std::from_chars). False when unknown, so range filters
  // skip a block only on a true answer.
  virtual bool NumericRange(std::string_view column, double* min, double* max) { return false; }
  // Cheap, from the block header: true when every row has the same `*value` for the column
  // ("" when the block lacks it) and that is known without decoding. False when unknown.
  virtual bool ConstValue(std::string_view column, std::string_view* value) { return false; }
  // Cheap when the column is stored with a numeric encoding: every row's value as
  // std::from_chars reads its text (NaN where the row lacks it), without decoding to text.
  // nullptr when not available; the pointer stays valid like column()'s.
  virtual const double* NumericColumn(std::string_view column) { return nullptr; }
  // How the column is stored: "const", "dict", "string", "uint8", "uint16", "uint32", "uint64",
  // "int64", "float64", "ipv4" or "iso8601"; empty when the block has no such column.
  virtual std::string_view ColumnType(std::string_view column) { return {}; }
  // After column(): an owner of the memory its views point into, which keeps them valid after
  // the visitor returns (results then share the bytes instead of copying them). nullptr when
  // the views are only valid until the visitor returns.
  virtual std::shared_ptr<const void> ColumnOwner(std::string_view column) { return nullptr; }
};

// Called once per candidate block; return false to stop the search early.
using BlockVisitor = std::function<bool(BlockView& block)>;

// What a search touches. Blocks outside [min_timestamp, max_timestamp] or of streams the
// stream filter rejects are skipped without reading their columns.
struct SearchSpec {
  TenantID tenant;
  int64_t min_timestamp = INT64_MIN;
  int64_t max_timestamp = INT64_MAX;
  // nullptr = all streams. Called at most once per distinct stream per search.
  std::function<bool(const StreamTags&)> stream_filter;
  // Optional pre-filters that let the storage consult its stream index instead of every block.
  // Each must be a necessary condition of the query (a stream failing it can match no row);
  // they only narrow the candidates, stream_filter and the row filter stay the exact checks.
  // Non-empty: every matching stream has all these labels with exactly these values.
  std::vector<std::pair<std::string, std::string>> stream_label_equals;
  // Non-empty: no stream outside this list can match.
  std::vector<StreamID> stream_ids;
  // Optional cheap per-block check run before the visitor (e.g. bloom filters). nullptr = none.
  std::function<bool(BlockView&)> block_filter;
  // At most this many threads visit blocks (`options(concurrency=N)`); 0 = the default.
  uint32_t max_workers = 0;
  // Set to true from another thread to abandon the search (client went away).
  const std::atomic<bool>* cancelled = nullptr;
};

// Anything that can be searched: local storage now, remote nodes later.
class Searchable {
 public:
  virtual ~Searchable() = default;
  // Visits candidate blocks; may call `visit` concurrently from several threads when
  // `parallel` is true. Returns non-OK on I/O errors or cancellation.
  virtual Status Search(const SearchSpec& spec, const BlockVisitor& visit, bool parallel) const = 0;
};

}  // namespace vl
