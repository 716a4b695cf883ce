// `uniq_values(f1, ...) [limit N]`: the distinct non-empty values as a JSON array, in value order
// (numbers by value, text naturally); with a limit, at most N of them are kept.
#include <algorithm>
#include <unordered_set>

#include "../value_order.h"
#include "counter_state.h"

namespace vl::logsql::stats {
namespace {

struct UniqValuesState final : FuncState {
  explicit UniqValuesState(uint64_t limit) : limit(limit) {}
  uint64_t limit;
  std::unordered_set<std::string> values;
  size_t bytes = 0;
  void Insert(std::string_view v) {
    if (v.empty() || (limit > 0 && values.size() >= limit)) return;
    if (values.emplace(v).second) bytes += v.size() + 48;
  }
  void Merge(FuncState&& o) override {
    for (const auto& v : static_cast<UniqValuesState&>(o).values) Insert(v);
  }
  void Export(std::string* out) const override { ExportStrings(values, out); }
  bool Import(std::string_view in) override {
    return ImportStrings(in, [&](std::string_view v) { Insert(v); });
  }
  void Result(std::string* out) const override {
    std::vector<std::string_view> sorted(values.begin(), values.end());
    std::sort(sorted.begin(), sorted.end(), [](std::string_view a, std::string_view b) { return CompareValues(a, b) < 0; });
    out->push_back('[');
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(sorted[i], out);
    }
    out->push_back(']');
  }
  size_t MemoryBytes() const override { return bytes; }
};

class UniqValues final : public LimitedStatsFunc {
 public:
  using LimitedStatsFunc::LimitedStatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<UniqValues>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<UniqValuesState>(limit()); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    for (const auto* c : in.cols) {
      if (!groups && c->type() == ResultColumn::Type::kConst) {
        static_cast<UniqValuesState*>(states[0])->Insert(c->const_value());
        continue;
      }
      if (!groups && c->type() == ResultColumn::Type::kDict) {
        std::vector<uint8_t> seen(c->dict().size(), 0);
        for (uint32_t code : c->codes()) seen[code] = 1;
        for (size_t k = 0; k < seen.size(); ++k) {
          if (seen[k]) static_cast<UniqValuesState*>(states[0])->Insert(c->dict()[k]);
        }
        continue;
      }
      ForEachRow<UniqValuesState>(in.rows, groups, states, [&](UniqValuesState& s, size_t r) { s.Insert(c->at(r)); });
    }
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseUniqValues(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  uint64_t limit = 0;
  if (!ParseFieldArgs(p, &fields) || !ParseOptionalLimit(p, &limit)) return nullptr;
  return std::make_unique<UniqValues>(name, std::move(fields), limit);
}

}  // namespace vl::logsql::stats
