// `rate()`: rows per second of the query's time range (the raw count when it has none).
#include "../parser_impl.h"
#include "counter_state.h"

namespace vl::logsql::stats {
namespace {

// The rows counted, per second of the step.
struct RateState final : CounterState {
  explicit RateState(int64_t step_ns) : step_ns(step_ns) {}
  int64_t step_ns;
  void Result(std::string* out) const override {
    double v = static_cast<double>(n);
    if (step_ns > 0) v /= static_cast<double>(step_ns) / 1e9;
    AppendStatsNumber(v, out);
  }
};

class Rate final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Rate>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<RateState>(step_ns()); }
  bool UsesStep() const override { return true; }
  void AddNeeded(NeededFields*) const override {}
  std::string String() const override { return "rate()"; }
  bool UsesHeaderOnly() const override { return true; }
  void UpdateFromHeader(FuncState* state, uint64_t rows, int64_t, int64_t) const override {
    static_cast<RateState*>(state)->n += rows;
  }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    if (!groups) {
      static_cast<RateState*>(states[0])->n += in.rows;
      return;
    }
    for (size_t r = 0; r < in.rows; ++r) ++static_cast<RateState*>(states[groups[r]])->n;
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseRate(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  if (!fields.empty()) return p.FailNull("rate() takes no arguments", "rate()");
  return std::make_unique<Rate>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
