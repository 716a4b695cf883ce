// Internal: reading a function's columns as numbers, using the numbers storage kept for
// numerically stored columns and parsing the text of the rest.
#pragma once

#include "stats_func.h"

namespace vl::logsql::stats {

// Calls fn(state, value) for every numeric value of every column in `in`, row by row.
template <typename S, typename Fn>
void ForEachNumber(const FuncInput& in, const uint32_t* groups, FuncState* const* states, Fn&& fn) {
  for (const auto* c : in.cols) {
    if (const double* nums = c->numbers()) {
      ForEachRow<S>(in.rows, groups, states, [&](S& s, size_t r) {
        if (nums[r] == nums[r]) fn(s, nums[r]);  // NaN: the row lacks the field
      });
      continue;
    }
    if (c->type() == ResultColumn::Type::kConst) {
      double v;
      if (!ParseStatsNumber(c->const_value(), &v)) continue;
      ForEachRow<S>(in.rows, groups, states, [&](S& s, size_t) { fn(s, v); });
      continue;
    }
    if (c->type() == ResultColumn::Type::kTimestamps) continue;
    ForEachRow<S>(in.rows, groups, states, [&](S& s, size_t r) {
      double v;
      if (ParseStatsNumber(c->at(r), &v)) fn(s, v);
    });
  }
}

}  // namespace vl::logsql::stats
