// Internal: a row's fields as a JSON object, for `row_any`, `row_min`, `row_max`, `json_values`.
#pragma once

#include <algorithm>

#include "stats_func.h"

namespace vl::logsql::stats {

// `{"a":"1","b":"x"}` of row `r` of `cols` (in that order), empty values left out.
inline void AppendRowJson(const std::vector<const ResultColumn*>& cols, size_t r, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (const auto* c : cols) {
    const std::string_view v = c->at(r);
    if (v.empty()) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(c->name, out);
    out->push_back(':');
    AppendJsonString(v, out);
  }
  out->push_back('}');
}

// The columns sorted by name (row_any and json_values print fields that way).
inline std::vector<const ResultColumn*> SortedByName(std::vector<const ResultColumn*> cols) {
  std::sort(cols.begin(), cols.end(), [](const ResultColumn* a, const ResultColumn* b) { return a->name < b->name; });
  return cols;
}

// State holding one JSON object (`{}` until a row is taken) and, for row_min/row_max, the value
// that chose it.
struct RowState final : FuncState {
  explicit RowState(int cmp_sign) : cmp_sign(cmp_sign) {}
  int cmp_sign;  // 0 = keep the first row, -1 = the smallest key, +1 = the largest
  bool has = false;
  std::string key;
  std::string json;
  bool Better(std::string_view k) const;
  void Offer(std::string_view k, const std::string& row_json) {
    if (has && !Better(k)) return;
    has = true;
    key.assign(k);
    json = row_json;
  }
  void Merge(FuncState&& o) override {
    auto& other = static_cast<RowState&>(o);
    if (other.has) Offer(other.key, other.json);
  }
  void Export(std::string* out) const override;
  bool Import(std::string_view in) override;
  void Result(std::string* out) const override { out->append(has ? json : "{}"); }
  size_t MemoryBytes() const override { return key.capacity() + json.capacity(); }
};

}  // namespace vl::logsql::stats
