// Internal: the state `sum` and `rate_sum` share: the sum of the numeric values (NaN when there
// is none), divided by the step's seconds for rate_sum.
#pragma once

#include <cmath>
#include <cstring>

#include "numeric_input.h"

namespace vl::logsql::stats {

struct SumState final : FuncState {
  static constexpr bool kOwnsNothing = true;
  explicit SumState(int64_t step_ns = 0) : step_ns(step_ns) {}
  int64_t step_ns;  // rate_sum: divide by this many seconds (0 = not)
  double sum = 0;
  bool any = false;
  void Add(double v) {
    sum += v;
    any = true;
  }
  void Merge(FuncState&& o) override {
    auto& other = static_cast<SumState&>(o);
    sum += other.sum;
    any |= other.any;
  }
  void Export(std::string* out) const override {
    out->push_back(any ? 1 : 0);
    out->append(reinterpret_cast<const char*>(&sum), 8);
  }
  bool Import(std::string_view in) override {
    if (in.size() != 9) return false;
    double v;
    std::memcpy(&v, in.data() + 1, 8);
    if (in[0]) Add(v);
    return true;
  }
  void Result(std::string* out) const override {
    double v = any ? sum : std::nan("");
    if (step_ns > 0) v /= static_cast<double>(step_ns) / 1e9;
    AppendStatsNumber(v, out);
  }
};

inline void AddNumbersToSums(const FuncInput& in, const uint32_t* groups, FuncState* const* states) {
  ForEachNumber<SumState>(in, groups, states, [](SumState& s, double v) { s.Add(v); });
}

}  // namespace vl::logsql::stats
