// `rate_sum(f1, ...)`: the sum of the numeric values per second of the query's time range (the
// raw sum when it has none); NaN when there is no numeric value.
#include "sum_state.h"

namespace vl::logsql::stats {
namespace {

class RateSum final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<RateSum>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<SumState>(step_ns()); }
  bool UsesStep() const override { return true; }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    AddNumbersToSums(in, groups, states);
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseRateSum(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<RateSum>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
