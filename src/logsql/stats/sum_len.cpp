// `sum_len(f1, ...)`: total byte length of the values.
#include "counter_state.h"

namespace vl::logsql::stats {
namespace {

using SumLenState = CounterState;

class SumLen final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<SumLen>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<SumLenState>(); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    for (const auto* c : in.cols) {
      if (c->type() == ResultColumn::Type::kConst) {
        const size_t len = c->const_value().size();
        ForEachRow<SumLenState>(in.rows, groups, states, [&](SumLenState& s, size_t) { s.n += len; });
      } else if (c->type() == ResultColumn::Type::kDict) {
        const auto& dict = c->dict();
        const auto& codes = c->codes();
        ForEachRow<SumLenState>(in.rows, groups, states, [&](SumLenState& s, size_t r) { s.n += dict[codes[r]].size(); });
      } else {
        ForEachRow<SumLenState>(in.rows, groups, states, [&](SumLenState& s, size_t r) { s.n += c->at(r).size(); });
      }
    }
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseSumLen(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<SumLen>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
