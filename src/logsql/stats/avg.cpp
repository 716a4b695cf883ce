// `avg(f1, ...)`: mean of the numeric values; NaN when there is none.
#include <cmath>
#include <cstring>

#include "vl/common/varint.h"
#include "numeric_input.h"

namespace vl::logsql::stats {
namespace {

struct AvgState final : FuncState {
  static constexpr bool kOwnsNothing = true;
  double sum = 0;
  uint64_t count = 0;
  void Merge(FuncState&& o) override {
    auto& other = static_cast<AvgState&>(o);
    sum += other.sum;
    count += other.count;
  }
  void Export(std::string* out) const override {
    AppendVarint(count, out);
    out->append(reinterpret_cast<const char*>(&sum), 8);
  }
  bool Import(std::string_view in) override {
    uint64_t n;
    if (!ReadVarint(&in, &n) || in.size() != 8) return false;
    double v;
    std::memcpy(&v, in.data(), 8);
    sum += v;
    count += n;
    return true;
  }
  void Result(std::string* out) const override {
    AppendStatsNumber(count ? sum / static_cast<double>(count) : std::nan(""), out);
  }
};

class Avg final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Avg>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<AvgState>(); }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    ForEachNumber<AvgState>(in, groups, states, [](AvgState& s, double v) {
      s.sum += v;
      ++s.count;
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseAvg(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<Avg>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
