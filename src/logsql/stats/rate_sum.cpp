// `rate_sum(f1, ...)`: the sum of the numeric values per second of the query's time range (the
// raw sum when it has none); NaN when there is no numeric value.
#include <cmath>
#include <cstring>

#include "numeric_input.h"

namespace vl::logsql::stats {
namespace {

struct RateSumState final : FuncState {
  explicit RateSumState(int64_t step_ns) : step_ns(step_ns) {}
  int64_t step_ns;
  double sum = 0;
  bool any = false;
  void Merge(FuncState&& o) override {
    auto& other = static_cast<RateSumState&>(o);
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
    if (in[0]) {
      sum += v;
      any = true;
    }
    return true;
  }
  void Result(std::string* out) const override {
    double v = any ? sum : std::nan("");
    if (step_ns > 0) v /= static_cast<double>(step_ns) / 1e9;
    AppendStatsNumber(v, out);
  }
};

class RateSum final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<RateSum>(*this); }
  std::unique_ptr<FuncState> NewState() const override { return std::make_unique<RateSumState>(step_ns()); }
  bool UsesStep() const override { return true; }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    ForEachNumber<RateSumState>(in, groups, states, [](RateSumState& s, double v) {
      s.sum += v;
      s.any = true;
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseRateSum(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<RateSum>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
