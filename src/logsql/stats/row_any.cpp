// `row_any(f1, ...)`: one row of the group (the first one seen) as a JSON object of the listed
// fields (all without arguments), sorted by name, empty values left out.
#include "row_json.h"

namespace vl::logsql::stats {
namespace {

class RowAny final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<RowAny>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<RowState>(0); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    const auto cols = SortedByName(in.cols);
    std::string json;
    ForEachRow<RowState>(in.rows, groups, states, [&](RowState& s, size_t r) {
      if (s.has) return;
      json.clear();
      AppendRowJson(cols, r, &json);
      s.Offer({}, json);
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseRowAny(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<RowAny>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
