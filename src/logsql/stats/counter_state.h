// Internal: a state that is one counter (count, count_empty, sum_len, rate), and the list
// encoding the value-collecting functions share.
#pragma once

#include <string>

#include "vl/common/varint.h"
#include "stats_func.h"

namespace vl::logsql::stats {

struct CounterState : FuncState {
  static constexpr bool kOwnsNothing = true;  // (a state derived from it must own nothing either)
  uint64_t n = 0;
  void Merge(FuncState&& o) override { n += static_cast<CounterState&>(o).n; }
  void Export(std::string* out) const override { AppendVarint(n, out); }
  bool Import(std::string_view in) override {
    uint64_t v;
    if (!ReadVarint(&in, &v) || !in.empty()) return false;
    n += v;
    return true;
  }
  void Result(std::string* out) const override { out->append(std::to_string(n)); }
};

// A list of strings on the wire: a count, then each length-prefixed.
template <typename Strings>
void ExportStrings(const Strings& values, std::string* out) {
  AppendVarint(values.size(), out);
  for (const auto& v : values) AppendLengthPrefixed(v, out);
}
// Calls add(v) for every string of an ExportStrings encoding; false when it is malformed.
template <typename Add>
bool ImportStrings(std::string_view in, Add&& add) {
  uint64_t n;
  if (!ReadVarint(&in, &n) || n > in.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view v;
    if (!ReadLengthPrefixed(&in, &v)) return false;
    add(v);
  }
  return in.empty();
}

// A function with an optional `limit N` after its arguments (printed only when set).
class LimitedStatsFunc : public StatsFunc {
 public:
  LimitedStatsFunc(std::string name, std::vector<std::string> fields, uint64_t limit)
      : StatsFunc(std::move(name), std::move(fields)), limit_(limit) {}
  std::string String() const override {
    std::string s = StatsFunc::String();
    if (limit_) s += " limit " + std::to_string(limit_);
    return s;
  }
  uint64_t limit() const { return limit_; }

 private:
  uint64_t limit_;
};

}  // namespace vl::logsql::stats
