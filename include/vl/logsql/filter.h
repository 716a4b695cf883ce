// LogsQL filter tree: node types, canonical printing and parse-time simplification.
// Evaluation over blocks lives in filter_eval.h.
#pragma once

#include <cstdint>
#include <climits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/stream.h"

namespace re2 {
class RE2;
}

namespace vl::logsql {

// One `label op value` term of a stream filter. Regexes are fully anchored.
struct StreamMatcher {
  enum class Op { kEq, kNe, kRe, kNre };
  std::string label;
  Op op = Op::kEq;
  std::string value;
  std::shared_ptr<const re2::RE2> re;  // for kRe / kNre

  bool Matches(const StreamTags& tags) const;
};

// `{a="x", b=~"y" or c!="z"}`: OR of AND-groups. No groups = match all streams.
struct StreamFilter {
  std::vector<std::vector<StreamMatcher>> or_groups;

  bool MatchesAll() const;
  bool Matches(const StreamTags& tags) const;
  std::string ToString() const;
};

enum class FilterKind {
  kMatchAll,     // `*`
  kAnd,
  kOr,
  kNot,
  kPhrase,       // word or phrase on token boundaries
  kPrefix,       // `foo*`, `"foo bar"*`
  kExact,        // `=v`
  kExactPrefix,  // `="v"*`
  kAnyValue,     // `field:*`
  kEmptyValue,   // `field:""`
  kRegexp,       // `~"re"`, unanchored
  kTime,         // `_time:...`
  kStream,       // `{...}`
  kRange,        // `field:>N`, `<=N`, `range(a, b)`, ...; see filter_range.h
};

struct Filter {
  FilterKind kind = FilterKind::kMatchAll;
  std::string field = "_msg";
  std::string value;
  bool case_insensitive = false;  // `i(...)`; `value` then holds the lowercased text
  std::vector<std::unique_ptr<Filter>> children;
  // kTime: inclusive bounds and the canonical source text after `_time:`.
  int64_t min_ts = INT64_MIN;
  int64_t max_ts = INT64_MAX;
  std::string time_text;
  StreamFilter stream;
  std::shared_ptr<const re2::RE2> re;  // kRegexp
  // kRange: inclusive numeric bounds, or (range_string) bytewise bounds on `value` with the
  // operator in range_op; range_text is the canonical source text after `field:`.
  double range_min = 0;
  double range_max = 0;
  bool range_string = false;
  std::string range_op;
  std::string range_text;

  Filter() = default;
  Filter(Filter&&) = default;
  Filter& operator=(Filter&&) = default;
  // Frees the subtree without recursion: a tree from an untrusted query may be very deep.
  ~Filter();

  static std::unique_ptr<Filter> Make(FilterKind kind, std::string field = "_msg", std::string value = "");
  std::unique_ptr<Filter> Clone() const;
  std::string ToString() const;
};

// Builds a RE2; nullptr (and *err) on a bad pattern.
std::shared_ptr<const re2::RE2> CompileRegexp(const std::string& pattern, std::string* err);

// Parse-time rewrites of spec §3: flatten AND/OR, drop `*` from AND, OR with `*` => `*`,
// double NOT collapses, stream filters under one AND merged, `~""`/`~".*"` => `*`, `~".+"` => `field:*`.
std::unique_ptr<Filter> SimplifyFilter(std::unique_ptr<Filter> f);

// Formats ns as RFC3339 with a full 9-digit fraction so it parses back at 1ns precision.
std::string FormatExactTime(int64_t ns);

}  // namespace vl::logsql
