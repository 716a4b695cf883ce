// `json_values(f1, ...) [limit N]`: each row as a JSON object of the listed fields (all without
// arguments; sorted by name, empty values left out), collected into a JSON array of strings in
// the order rows arrive; with a limit, the first N.
#include "counter_state.h"
#include "row_json.h"

namespace vl::logsql::stats {
namespace {

struct JsonValuesState final : FuncState {
  explicit JsonValuesState(uint64_t limit) : limit(limit) {}
  uint64_t limit;
  std::vector<std::string> rows;
  size_t bytes = 0;
  bool Full() const { return limit > 0 && rows.size() >= limit; }
  void Add(std::string v) {
    if (Full()) return;
    bytes += v.size() + 32;
    rows.push_back(std::move(v));
  }
  void Merge(FuncState&& o) override {
    for (auto& v : static_cast<JsonValuesState&>(o).rows) Add(std::move(v));
  }
  void Export(std::string* out) const override { ExportStrings(rows, out); }
  bool Import(std::string_view in) override {
    return ImportStrings(in, [&](std::string_view v) { Add(std::string(v)); });
  }
  void Result(std::string* out) const override {
    out->push_back('[');
    for (size_t i = 0; i < rows.size(); ++i) {
      if (i) out->push_back(',');
      AppendJsonString(rows[i], out);
    }
    out->push_back(']');
  }
  size_t MemoryBytes() const override { return bytes; }
};

class JsonValues final : public LimitedStatsFunc {
 public:
  using LimitedStatsFunc::LimitedStatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<JsonValues>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<JsonValuesState>(limit()); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    const auto cols = SortedByName(in.cols);
    ForEachRow<JsonValuesState>(in.rows, groups, states, [&](JsonValuesState& s, size_t r) {
      if (s.Full()) return;
      std::string json;
      AppendRowJson(cols, r, &json);
      s.Add(std::move(json));
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseJsonValues(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  uint64_t limit = 0;
  if (!ParseFieldArgs(p, &fields) || !ParseOptionalLimit(p, &limit)) return nullptr;
  return std::make_unique<JsonValues>(name, std::move(fields), limit);
}

}  // namespace vl::logsql::stats
