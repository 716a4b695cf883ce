// `{app="nginx", env=~"prod|staging" or host!="x"}`: which streams a stream filter accepts.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vl/common/stream.h"

namespace re2 {
class RE2;
}

namespace vl::logsql {

// One `label op value` term of a stream selector. Regexes are fully anchored.
struct StreamMatcher {
  enum class Op { kEq, kNe, kRe, kNre };
  std::string label;
  Op op = Op::kEq;
  std::string value;
  std::shared_ptr<const re2::RE2> re;  // for kRe / kNre

  bool Matches(const StreamTags& tags) const;
};

// OR of AND-groups of matchers. No groups = every stream.
struct StreamSelector {
  std::vector<std::vector<StreamMatcher>> or_groups;

  bool MatchesAll() const;
  bool Matches(const StreamTags& tags) const;
  std::string ToString() const;
  // The label="value" pairs every accepted stream carries (equality matchers present in every
  // group), for the stream index. `label=""`, `!=`, `=~` and `!~` pin no single value.
  void RequiredLabels(std::vector<std::pair<std::string, std::string>>* out) const;
};

// `a AND b` of two selectors: the OR groups multiply.
StreamSelector IntersectSelectors(const StreamSelector& a, const StreamSelector& b);

}  // namespace vl::logsql
