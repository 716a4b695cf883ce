// `count_uniq_hash(f1, ...) [limit N]`: distinct non-empty values by their 64-bit hash: less
// memory than count_uniq, with a negligible chance of two values sharing a hash.
#include <xxhash.h>

#include <cstring>
#include <unordered_set>

#include "counter_state.h"
#include "uniq_key.h"

namespace vl::logsql::stats {
namespace {

struct CountUniqHashState final : FuncState {
  explicit CountUniqHashState(uint64_t limit) : limit(limit) {}
  uint64_t limit;
  std::unordered_set<uint64_t> hashes;
  void Insert(uint64_t h) {
    if (limit == 0 || hashes.size() < limit) hashes.insert(h);
  }
  void Merge(FuncState&& o) override {
    for (uint64_t h : static_cast<CountUniqHashState&>(o).hashes) Insert(h);
  }
  void Export(std::string* out) const override {
    AppendVarint(hashes.size(), out);
    for (uint64_t h : hashes) out->append(reinterpret_cast<const char*>(&h), 8);
  }
  bool Import(std::string_view in) override {
    uint64_t n;
    if (!ReadVarint(&in, &n) || in.size() != n * 8) return false;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t h;
      std::memcpy(&h, in.data() + i * 8, 8);
      Insert(h);
    }
    return true;
  }
  void Result(std::string* out) const override { out->append(std::to_string(hashes.size())); }
  size_t MemoryBytes() const override { return hashes.size() * 32; }
};

class CountUniqHash final : public LimitedStatsFunc {
 public:
  using LimitedStatsFunc::LimitedStatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<CountUniqHash>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<CountUniqHashState>(limit()); }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    const bool one = fields().size() == 1 && fields()[0].find('*') == std::string::npos;
    std::string tuple;
    ForEachRow<CountUniqHashState>(in.rows, groups, states, [&](CountUniqHashState& s, size_t r) {
      if (one) {
        if (in.cols.empty()) return;
        const std::string_view v = in.cols[0]->at(r);
        if (!v.empty()) s.Insert(XXH3_64bits(v.data(), v.size()));
      } else if (TupleKey(in.cols, r, &tuple)) {
        s.Insert(XXH3_64bits(tuple.data(), tuple.size()));
      }
    });
  }
};

}  // namespace

std::unique_ptr<StatsFunc> ParseCountUniqHash(parser_internal::Parser& p, const std::string& name) {
  std::vector<std::string> fields;
  uint64_t limit = 0;
  if (!ParseFieldArgs(p, &fields) || !ParseOptionalLimit(p, &limit)) return nullptr;
  return std::make_unique<CountUniqHash>(name, std::move(fields), limit);
}

}  // namespace vl::logsql::stats
