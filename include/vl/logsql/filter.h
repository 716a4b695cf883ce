// A LogsQL filter is a tree of Filter objects: logical nodes (and, or, not) over leaf filters,
// one class per filter kind in src/logsql/filters/. A filter evaluates a whole block into a row
// bitmap, prints itself canonically, and tells the engine what it can prove without reading
// rows (block metadata) and what narrows the storage search.
#pragma once

#include <climits>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/stream.h"
#include "vl/logsql/eval_source.h"
#include "vl/logsql/stream_selector.h"

namespace re2 {
class RE2;
}

namespace vl::logsql {

class Query;

// What the members of a query's top-level AND tell the storage search before it reads a block.
struct SearchNarrowing {
  int64_t min_ts = INT64_MIN;  // inclusive
  int64_t max_ts = INT64_MAX;  // inclusive
  std::vector<const StreamSelector*> streams;  // every one must accept the stream
  bool has_stream_ids = false;                 // then no stream outside stream_ids matches
  std::vector<StreamID> stream_ids;
};

class Filter {
 public:
  Filter() = default;
  Filter(const Filter&) = delete;
  Filter& operator=(const Filter&) = delete;
  // Frees the subtree without recursion: a tree from an untrusted query may be very deep.
  virtual ~Filter();

  // Short kind name ("phrase", "range", "and", ...) for statistics and messages.
  virtual std::string_view kind() const = 0;
  // Canonical LogsQL text; parsing it yields a tree that prints the same.
  virtual std::string String() const = 0;
  virtual std::unique_ptr<Filter> Clone() const = 0;
  // Clears the bits of rows this filter rejects; rows already cleared need not be examined.
  virtual void Eval(EvalSource& src, Bitmap* bm) const = 0;
  // Appends the names of the fields the filter reads (children included).
  virtual void AppendFields(std::vector<std::string>* out) const = 0;

  // False when the block's metadata alone (time bounds, stream, bloom filters, numeric min/max)
  // proves that no row matches. Never reads column values.
  virtual bool MayMatchBlock(EvalSource& src) const { return true; }
  // Called on each member of the query's top-level AND.
  virtual void NarrowSearch(SearchNarrowing* n) const {}
  // True when NarrowSearch expresses the filter exactly: every row of every stream and time
  // range the narrowed search visits matches.
  virtual bool DecidedBySearch() const { return false; }

  // A filter whose values come from a subquery (`in(<query>)`) that has not run yet.
  virtual const Query* pending_subquery() const { return nullptr; }
  virtual Query* mutable_pending_subquery() { return nullptr; }
  // Gives such a filter the subquery's values (the distinct values of its one output field).
  virtual void ResolveSubquery(std::vector<std::string> values) {}

  // Logical nodes own children; leaves have none.
  const std::vector<std::unique_ptr<Filter>>& children() const { return children_; }
  std::vector<std::unique_ptr<Filter>>& mutable_children() { return children_; }

 protected:
  std::vector<std::unique_ptr<Filter>> children_;
};

// Builds a RE2; nullptr (and *err) on a bad pattern.
std::shared_ptr<const re2::RE2> CompileRegexp(const std::string& pattern, std::string* err);

// The filter matching every row (`*`).
std::unique_ptr<Filter> MakeMatchAllFilter();
// `_time:[start, end]`, both inclusive, printed with full-precision timestamps.
std::unique_ptr<Filter> MakeTimeRangeFilter(int64_t start_ns, int64_t end_ns);
// `a AND b`.
std::unique_ptr<Filter> MakeAndFilter(std::unique_ptr<Filter> a, std::unique_ptr<Filter> b);

// Parse-time rewrites of spec §3: flatten AND/OR, drop `*` from AND, OR with `*` => `*`,
// double NOT collapses, stream filters under one AND merged, `~""`/`~".*"` => `*`,
// `~".+"` => `field:*`.
std::unique_ptr<Filter> SimplifyFilter(std::unique_ptr<Filter> f);

// Formats ns as RFC3339 with a full 9-digit fraction so it parses back at 1ns precision.
std::string FormatExactTime(int64_t ns);

}  // namespace vl::logsql
