// `sum(f1, ...)`: sum of the numeric values; NaN when there is none.
#include <cmath>
#include <cstring>

#include "numeric_input.h"

namespace vl::logsql::stats {
namespace {

struct SumState final : FuncState {
  double sum = 0;
  bool any = false;
  void Merge(FuncState&& o) override {
    auto& other = static_cast<SumState&>(o);
    sum += other.sum;
    any |= other.any;
  }
  void Export(std::string* out) const override {
    out->push_back(any ? 1 : 0);
    out->append(reinterpret_cast<const char*>(&sum), 8);
  }
  bool Import(std::string_view in) override {
    if (in.size() != 9) return false;
    double v;
    std::memcpy(&v, in.data() + 1, 8);
    if (in[0]) {
      sum += v;
      any = true;
    }
    return true;
  }
  void Result(std::string* out) const override { AppendStatsNumber(any ? sum : std::nan(""), out); }
};

class Sum final : public StatsFunc {
 public:
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<Sum>(*this); }
  std::unique_ptr<FuncState> NewState() const override { return std::make_unique<SumState>(); }
  bool ReadsNumbers() const override { return true; }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    ForEachNumber<SumState>(in, groups, states, [](SumState& s, double v) {
      s.sum += v;
      s.any = true;
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseSum(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  if (!ParseFieldArgs(p, &fields)) return nullptr;
  return std::make_unique<Sum>(name, std::move(fields));
}

}  // namespace vl::logsql::stats
