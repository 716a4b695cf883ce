// `count()` rows; `count(f1, ...)` rows where at least one listed field is non-empty.
#include "counter_state.h"

namespace vl::logsql::stats {
namespace {

using CountState = CounterState;

class Count final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Count>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<CountState>(); }
  void AddNeeded(NeededFields* needed) const override {
    for (const auto& f : fields()) needed->Add(f);  // count() reads no field
  }
  bool UsesHeaderOnly() const override { return fields().empty() || (fields().size() == 1 && fields()[0] == "_time"); }
  void UpdateFromHeader(FuncState* state, uint64_t rows, int64_t, int64_t) const override {
    static_cast<CountState*>(state)->n += rows;
  }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    if (fields().empty()) {
      if (!groups) {
        static_cast<CountState*>(states[0])->n += in.rows;
        return;
      }
      for (size_t r = 0; r < in.rows; ++r) ++static_cast<CountState*>(states[groups[r]])->n;
      return;
    }
    // A constant non-empty column counts every row.
    for (const auto* c : in.cols) {
      if (c->type() == ResultColumn::Type::kConst && !c->const_value().empty()) {
        ForEachRow<CountState>(in.rows, groups, states, [](CountState& s, size_t) { ++s.n; });
        return;
      }
    }
    ForEachRow<CountState>(in.rows, groups, states, [&](CountState& s, size_t r) {
      for (const auto* c : in.cols) {
        if (!c->at(r).empty()) {
          ++s.n;
          return;
        }
      }
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseCount(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<Count>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
