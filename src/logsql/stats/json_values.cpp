// `json_values(f1, ...) [limit N]`: each row as a JSON object of the listed fields (all without
// arguments; sorted by name, empty values left out), collected into a JSON array of strings in
// the order rows arrive; with a limit, the first N.
#include "vl/common/varint.h"
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
  void Export(std::string* out) const override {
    AppendVarint(rows.size(), out);
    for (const auto& v : rows) AppendLengthPrefixed(v, out);
  }
  bool Import(std::string_view in) override {
    uint64_t n;
    if (!ReadVarint(&in, &n) || n > in.size()) return false;
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view v;
      if (!ReadLengthPrefixed(&in, &v)) return false;
      Add(std::string(v));
    }
    return in.empty();
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

class JsonValues final : public StatsFunc {
 public:
  JsonValues(std::string name, std::vector<std::string> fields, uint64_t limit)
      : StatsFunc(std::move(name), std::move(fields)), limit_(limit) {}
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<JsonValues>(*this); }
  std::unique_ptr<FuncState> NewState() const override { return std::make_unique<JsonValuesState>(limit_); }
  std::string String() const override {
    std::string s = StatsFunc::String();
    if (limit_) s += " limit " + std::to_string(limit_);
    return s;
  }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    const auto cols = SortedByName(in.cols);
    ForEachRow<JsonValuesState>(in.rows, groups, states, [&](JsonValuesState& s, size_t r) {
      if (s.Full()) return;
      std::string json;
      AppendRowJson(cols, r, &json);
      s.Add(std::move(json));
    });
  }

 private:
  uint64_t limit_;
};

}  // namespace

std::unique_ptr<StatsFunc> ParseJsonValues(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  uint64_t limit = 0;
  if (!ParseFieldArgs(p, &fields) || !ParseOptionalLimit(p, &limit)) return nullptr;
  return std::make_unique<JsonValues>(name, std::move(fields), limit);
}

}  // namespace vl::logsql::stats
