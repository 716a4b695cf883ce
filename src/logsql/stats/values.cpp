// `values(f1, ...) [limit N]`: every value (empty ones too) as a JSON array, row by row in the
// order rows arrive; with a limit, the first N.
#include "counter_state.h"

namespace vl::logsql::stats {
namespace {

struct ValuesState final : FuncState {
  explicit ValuesState(uint64_t limit) : limit(limit) {}
  uint64_t limit;
  std::vector<std::string> values;
  size_t bytes = 0;
  bool Full() const { return limit > 0 && values.size() >= limit; }
  void Add(std::string_view v) {
    if (Full()) return;
    values.emplace_back(v);
    bytes += v.size() + 32;
  }
  void Merge(FuncState&& o) override {
    for (const auto& v : static_cast<ValuesState&>(o).values) Add(v);
  }
  void Export(std::string* out) const override { ExportStrings(values, out); }
  bool Import(std::string_view in) override {
    return ImportStrings(in, [&](std::string_view v) { Add(v); });
  }
  void Result(std::string* out) const override {
    out->push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(values[i], out);
    }
    out->push_back(']');
  }
  size_t MemoryBytes() const override { return bytes; }
};

class Values final : public LimitedStatsFunc {
 public:
  using LimitedStatsFunc::LimitedStatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Values>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<ValuesState>(limit()); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    // A named field the block lacks is empty in every row.
    const bool missing = in.cols.empty() && !fields().empty();
    ForEachRow<ValuesState>(in.rows, groups, states, [&](ValuesState& s, size_t r) {
      if (missing) s.Add("");
      for (const auto* c : in.cols) s.Add(c->at(r));
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseValues(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  uint64_t limit = 0;
  if (!ParseFieldArgs(p, &fields) || !ParseOptionalLimit(p, &limit)) return nullptr;
  return std::make_unique<Values>(name, std::move(fields), limit);
}

}  // namespace vl::logsql::stats
