// `sum(f1, ...)`: sum of the numeric values; NaN when there is none.
#include "sum_state.h"

namespace vl::logsql::stats {
namespace {

class Sum final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Sum>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<SumState>(); }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    AddNumbersToSums(in, groups, states);
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseSum(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<Sum>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
