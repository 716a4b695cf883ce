// Internal: the state `quantile` and `median` share: the numeric values of a group, all of them
// up to kMaxSamples and then a uniform sample of them (reservoir sampling with a fixed seed, so
// a query gives the same answer every time), plus the exact minimum and maximum.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "vl/common/varint.h"
#include "numeric_input.h"

namespace vl::logsql::stats {

struct QuantileState final : FuncState {
  static constexpr size_t kMaxSamples = 10000;

  explicit QuantileState(double phi) : phi(phi) {}
  double phi;
  std::vector<double> samples;
  uint64_t seen = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  uint64_t rng = 0x9E3779B97F4A7C15ull;

  void Add(double v) {
    ++seen;
    min = std::min(min, v);
    max = std::max(max, v);
    if (samples.size() < kMaxSamples) {
      samples.push_back(v);
      return;
    }
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    const uint64_t j = rng % seen;
    if (j < samples.size()) samples[j] = v;
  }
  void Merge(FuncState&& o) override {
    auto& other = static_cast<QuantileState&>(o);
    for (double v : other.samples) Add(v);
    seen += other.seen - other.samples.size();
    min = std::min(min, other.min);
    max = std::max(max, other.max);
  }
  void Export(std::string* out) const override {
    AppendVarint(seen, out);
    out->append(reinterpret_cast<const char*>(&min), 8);
    out->append(reinterpret_cast<const char*>(&max), 8);
    out->append(reinterpret_cast<const char*>(samples.data()), samples.size() * 8);
  }
  bool Import(std::string_view in) override {
    QuantileState other(phi);
    uint64_t n;
    if (!ReadVarint(&in, &n) || in.size() < 16 || (in.size() - 16) % 8 != 0) return false;
    other.seen = n;
    std::memcpy(&other.min, in.data(), 8);
    std::memcpy(&other.max, in.data() + 8, 8);
    other.samples.resize((in.size() - 16) / 8);
    std::memcpy(other.samples.data(), in.data() + 16, other.samples.size() * 8);
    if (other.samples.size() > other.seen) return false;
    Merge(std::move(other));
    return true;
  }
  void Result(std::string* out) const override {
    if (samples.empty()) {
      AppendStatsNumber(std::nan(""), out);
      return;
    }
    if (phi <= 0) return AppendStatsNumber(min, out);
    if (phi >= 1) return AppendStatsNumber(max, out);
    std::vector<double> sorted = samples;
    size_t idx = static_cast<size_t>(phi * static_cast<double>(sorted.size()));
    if (idx >= sorted.size()) idx = sorted.size() - 1;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(idx), sorted.end());
    AppendStatsNumber(sorted[idx], out);
  }
  size_t MemoryBytes() const override { return samples.capacity() * 8; }
};

class Quantile final : public StatsFunc {
 public:
  Quantile(std::string name, std::vector<std::string> fields, double phi, std::string phi_text)
      : StatsFunc(std::move(name), std::move(fields)), phi_(phi), phi_text_(std::move(phi_text)) {}
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Quantile>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<QuantileState>(phi_); }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    ForEachNumber<QuantileState>(in, groups, states, [](QuantileState& s, double v) { s.Add(v); });
  }
  std::string String() const override {
    if (name() == "median") return StatsFunc::String();
    std::string s = "quantile(" + phi_text_;
    if (!fields().empty()) s += ", " + FieldListString(fields());
    return s + ")";
  }

 private:
  double phi_;
  std::string phi_text_;
};

}  // namespace vl::logsql::stats
