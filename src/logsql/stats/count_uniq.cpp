// `count_uniq(f1, ...) [limit N]`: distinct non-empty values (tuples of the listed fields),
// exact; counting stops at N.
#include "vl/logsql/uniq_set.h"
#include "counter_state.h"
#include "uniq_key.h"

namespace vl::logsql::stats {
namespace {

struct CountUniqState final : FuncState {
  explicit CountUniqState(uint64_t limit) : limit(limit) {}
  uint64_t limit;  // 0 = none
  UniqSet set;
  bool Full() const { return limit > 0 && set.size() >= limit; }
  void Insert(std::string_view v) {
    if (!Full()) set.Insert(v);
  }
  void Merge(FuncState&& o) override {
    auto& other = static_cast<CountUniqState&>(o);
    if (limit == 0) {
      set.Merge(std::move(other.set));
      return;
    }
    other.set.ForEach([&](std::string_view v) { Insert(v); });
  }
  void Export(std::string* out) const override {
    AppendVarint(set.size(), out);
    set.ForEach([&](std::string_view v) { AppendLengthPrefixed(v, out); });
  }
  bool Import(std::string_view in) override {
    return ImportStrings(in, [&](std::string_view v) { Insert(v); });
  }
  void Result(std::string* out) const override { out->append(std::to_string(set.size())); }
  size_t MemoryBytes() const override { return set.MemoryBytes(); }
};

class CountUniq final : public LimitedStatsFunc {
 public:
  using LimitedStatsFunc::LimitedStatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<CountUniq>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<CountUniqState>(limit()); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    // One named field keeps its values themselves; several fields or a wildcard keep tuples.
    const bool one = fields().size() == 1 && fields()[0].find('*') == std::string::npos;
    if (one) {
      if (in.cols.empty()) return;
      const ResultColumn& c = *in.cols[0];
      if (!groups && c.type() == ResultColumn::Type::kConst) {
        if (!c.const_value().empty()) static_cast<CountUniqState*>(states[0])->Insert(c.const_value());
        return;
      }
      if (!groups && c.type() == ResultColumn::Type::kDict) {
        // Each distinct value once, not each row.
        std::vector<uint8_t> seen(c.dict().size(), 0);
        for (uint32_t code : c.codes()) seen[code] = 1;
        auto* s = static_cast<CountUniqState*>(states[0]);
        for (size_t k = 0; k < seen.size(); ++k) {
          if (seen[k] && !c.dict()[k].empty()) s->Insert(c.dict()[k]);
        }
        return;
      }
      ForEachRow<CountUniqState>(in.rows, groups, states, [&](CountUniqState& s, size_t r) {
        const std::string_view v = c.at(r);
        if (!v.empty()) s.Insert(v);
      });
      return;
    }
    std::string tuple;
    ForEachRow<CountUniqState>(in.rows, groups, states, [&](CountUniqState& s, size_t r) {
      if (TupleKey(in.cols, r, &tuple)) s.Insert(tuple);
    });
  }

};

}  // namespace

std::unique_ptr<StatsFunc> ParseCountUniq(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  uint64_t limit = 0;
  if (!ParseFieldArgs(p, &fields) || !ParseOptionalLimit(p, &limit)) return nullptr;
  return std::make_unique<CountUniq>(name, std::move(fields), limit);
}

}  // namespace vl::logsql::stats
