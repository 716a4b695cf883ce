// Internal: the state `min` and `max` share. Values compare numerically when both are numbers,
// as instants when both are RFC3339 timestamps, else as text; empty values are ignored.
#pragma once

#include <cstring>

#include "vl/common/time_util.h"
#include "vl/common/varint.h"
#include "numeric_input.h"

namespace vl::logsql::stats {

template <bool kMin>
struct MinMaxState final : FuncState {
  enum class Kind : uint8_t { kNone, kNumber, kTime, kText };
  Kind kind = Kind::kNone;
  double num = 0;
  int64_t ts = 0;
  std::string text;  // kNumber and kText: the value as written

  static bool AsTimestamp(std::string_view s, int64_t* ns) {
    return s.size() >= 20 && s[4] == '-' && s[10] == 'T' && ParseRFC3339(s, ns);
  }
  std::string Text() const {
    if (kind != Kind::kTime) return text;
    std::string out;
    AppendRFC3339Nano(ts, &out);
    return out;
  }
  // <0 when the candidate sorts before the state's value.
  int Compare(Kind k, double n, int64_t t, std::string_view s) const {
    if (k == Kind::kNumber && kind == Kind::kNumber) return n < num ? -1 : (n > num ? 1 : 0);
    int64_t a = t, b = ts;
    const bool a_ts = k == Kind::kTime || (k == Kind::kText && AsTimestamp(s, &a));
    const bool b_ts = kind == Kind::kTime || (kind == Kind::kText && AsTimestamp(text, &b));
    if (a_ts && b_ts) return a < b ? -1 : (a > b ? 1 : 0);
    std::string formatted;
    std::string_view theirs = s;
    if (k == Kind::kTime) {
      AppendRFC3339Nano(t, &formatted);
      theirs = formatted;
    }
    return theirs.compare(Text());
  }
  void Offer(Kind k, double n, int64_t t, std::string_view s) {
    if (kind != Kind::kNone) {
      const int c = Compare(k, n, t, s);
      if (kMin ? c >= 0 : c <= 0) return;
    }
    kind = k;
    num = n;
    ts = t;
    if (k != Kind::kTime) text.assign(s);
  }
  void OfferNumber(double n, std::string_view s) { Offer(Kind::kNumber, n, 0, s); }
  void OfferTime(int64_t t) {
    if (kind == Kind::kTime && (kMin ? t >= ts : t <= ts)) return;  // the common case, no text
    Offer(Kind::kTime, 0, t, {});
  }
  void OfferText(std::string_view s) {
    double n;
    if (ParseStatsNumber(s, &n)) Offer(Kind::kNumber, n, 0, s);
    else Offer(Kind::kText, 0, 0, s);
  }

  void Merge(FuncState&& o) override {
    auto& other = static_cast<MinMaxState&>(o);
    if (other.kind != Kind::kNone) Offer(other.kind, other.num, other.ts, other.text);
  }
  void Export(std::string* out) const override {
    out->push_back(static_cast<char>(kind));
    out->append(reinterpret_cast<const char*>(&num), 8);
    AppendVarint(static_cast<uint64_t>(ts), out);
    out->append(text);
  }
  bool Import(std::string_view in) override {
    if (in.size() < 9 || static_cast<uint8_t>(in[0]) > 3) return false;
    MinMaxState other;
    other.kind = static_cast<Kind>(in[0]);
    std::memcpy(&other.num, in.data() + 1, 8);
    in.remove_prefix(9);
    uint64_t t;
    if (!ReadVarint(&in, &t)) return false;
    other.ts = static_cast<int64_t>(t);
    other.text.assign(in);
    Merge(std::move(other));
    return true;
  }
  void Result(std::string* out) const override { out->append(Text()); }
};

template <bool kMin>
class MinMax final : public StatsFunc {
 public:
  using State = MinMaxState<kMin>;
  using StatsFunc::StatsFunc;
  std::unique_ptr<StatsFunc> Clone() const override { return std::make_unique<MinMax>(*this); }
  FuncState* NewState(StateArena& arena) const override { return arena.New<State>(); }
  bool ReadsNumbers() const override { return true; }
  bool UsesHeaderOnly() const override { return fields().size() == 1 && fields()[0] == "_time"; }
  void UpdateFromHeader(FuncState* state, uint64_t rows, int64_t min_ts, int64_t max_ts) const override {
    if (rows > 0) static_cast<State*>(state)->OfferTime(kMin ? min_ts : max_ts);
  }
  void Update(const FuncInput& in, const uint32_t* groups, FuncState* const* states) const override {
    for (const auto* c : in.cols) {
      switch (c->type()) {
        case ResultColumn::Type::kTimestamps: {
          const auto& ts = c->timestamps();
          if (!groups && in.rows > 0) {
            int64_t best = ts[0];
            for (size_t r = 1; r < in.rows; ++r) best = kMin ? std::min(best, ts[r]) : std::max(best, ts[r]);
            static_cast<State*>(states[0])->OfferTime(best);
            break;
          }
          ForEachRow<State>(in.rows, groups, states, [&](State& s, size_t r) { s.OfferTime(ts[r]); });
          break;
        }
        case ResultColumn::Type::kConst:
          if (c->const_value().empty()) break;
          ForEachRow<State>(in.rows, groups, states, [&](State& s, size_t) { s.OfferText(c->const_value()); });
          break;
        default:
          if (const double* nums = c->numbers()) {
            ForEachRow<State>(in.rows, groups, states, [&](State& s, size_t r) {
              if (nums[r] != nums[r]) return;  // NaN: the row lacks the field
              if (s.kind == State::Kind::kNumber && (kMin ? nums[r] >= s.num : nums[r] <= s.num)) return;
              s.OfferNumber(nums[r], c->at(r));
            });
            break;
          }
          ForEachRow<State>(in.rows, groups, states, [&](State& s, size_t r) {
            const std::string_view v = c->at(r);
            if (!v.empty()) s.OfferText(v);
          });
      }
    }
  }
};

}  // namespace vl::logsql::stats
