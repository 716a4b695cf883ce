// `count_empty(f1, ...)`: rows where every listed field is empty (a missing field is empty).
#include "counter_state.h"

namespace vl::logsql::stats {
namespace {

using CountEmptyState = CounterState;

class CountEmpty final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<CountEmpty>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<CountEmptyState>(); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    for (const auto* c : in.cols) {
      if (c->type() == ResultColumn::Type::kConst && !c->const_value().empty()) return;  // no row is empty
    }
    ForEachRow<CountEmptyState>(in.rows, groups, states, [&](CountEmptyState& s, size_t r) {
      for (const auto* c : in.cols) {
        if (!c->at(r).empty()) return;
      }
      ++s.n;
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseCountEmpty(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<CountEmpty>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
