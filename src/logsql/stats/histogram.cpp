// `histogram(field)`: counts of the field's non-negative numeric values in VictoriaMetrics'
// log-scale buckets (18 per decade from 1e-9 to 1e18, plus one below and one above), as a JSON
// array `[{"vmrange":"1.896e+00...2.154e+00","hits":2},...]` of the non-empty buckets in
// increasing order.
#include <cmath>
#include <cstdio>
#include <map>

#include "vl/common/varint.h"
#include "../parser_impl.h"
#include "numeric_input.h"

namespace vl::logsql::stats {
namespace {

constexpr int kBucketsPerDecade = 18;
constexpr int kMinExp = -9;
constexpr int kDecades = 27;  // 1e-9 .. 1e18
constexpr int kBuckets = kBucketsPerDecade * kDecades;

// Bucket i covers (lower[i], lower[i+1]]; the bounds come from repeated multiplication, as
// VictoriaMetrics computes them, so the printed ranges match its.
const std::vector<std::string>& BucketRanges() {
  static const std::vector<std::string> ranges = [] {
    std::vector<std::string> out;
    const double m = std::pow(10.0, 1.0 / kBucketsPerDecade);
    double v = std::pow(10.0, kMinExp);
    char buf[64];
    for (int i = 0; i < kBuckets; ++i) {
      std::string r;
      std::snprintf(buf, sizeof(buf), "%.3e", v);
      r = buf;
      v *= m;
      std::snprintf(buf, sizeof(buf), "%.3e", v);
      r += "...";
      r += buf;
      out.push_back(std::move(r));
    }
    return out;
  }();
  return ranges;
}

// -1: at most 1e-9; kBuckets: from 1e18 up.
int BucketOf(double v) {
  if (!(v > 0)) return -1;
  const double idx = (std::log10(v) - kMinExp) * kBucketsPerDecade;
  if (idx < 0) return -1;
  if (idx >= kBuckets) return kBuckets;
  int i = static_cast<int>(idx);
  if (static_cast<double>(i) == idx && i > 0) --i;  // upper bounds are inclusive
  return i;
}

struct HistogramState final : FuncState {
  std::map<int, uint64_t> hits;
  void Merge(FuncState&& o) override {
    for (const auto& [b, n] : static_cast<HistogramState&>(o).hits) hits[b] += n;
  }
  void Export(std::string* out) const override {
    AppendVarint(hits.size(), out);
    for (const auto& [b, n] : hits) {
      AppendVarint(static_cast<uint64_t>(b + 1), out);
      AppendVarint(n, out);
    }
  }
  bool Import(std::string_view in) override {
    uint64_t count;
    if (!ReadVarint(&in, &count)) return false;
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t b, n;
      if (!ReadVarint(&in, &b) || !ReadVarint(&in, &n) || b > kBuckets + 1) return false;
      hits[static_cast<int>(b) - 1] += n;
    }
    return in.empty();
  }
  void Result(std::string* out) const override {
    out->push_back('[');
    bool first = true;
    for (const auto& [b, n] : hits) {
      if (!first) out->push_back(',');
      first = false;
      out->append("{\"vmrange\":\"");
      if (b < 0) out->append("0...1.000e-09");
      else if (b >= kBuckets) out->append("1.000e+18...+Inf");
      else out->append(BucketRanges()[static_cast<size_t>(b)]);
      out->append("\",\"hits\":");
      out->append(std::to_string(n));
      out->push_back('}');
    }
    out->push_back(']');
  }
  size_t MemoryBytes() const override { return hits.size() * 48; }
};

class Histogram final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Histogram>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<HistogramState>(); }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    ForEachNumber<HistogramState>(in, groups, states, [](HistogramState& s, double v) {
      if (v >= 0) ++s.hits[BucketOf(v)];
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseHistogram(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  if (fields.size() != 1 || fields[0].back() == '*') {
    return p.FailNull("histogram() takes exactly one field, without a wildcard", "histogram(field)");
  }
  return std::make_unique<Histogram>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
