// `stats` pipe: per-group mergeable state for count, count_uniq, sum, avg, min, max.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include <cstring>

#include "vl/common/time_util.h"
#include "vl/common/varint.h"
#include "vl/logsql/pipe.h"
#include "vl/logsql/uniq_set.h"

namespace vl::logsql {

namespace {

struct FuncState {
  uint64_t count = 0;                    // count; avg: numeric values seen
  UniqSet uniq;                          // count_uniq: distinct value tuples (AppendKeyPart each)
  double sum = 0;                        // sum / avg
  bool has_num = false;
  std::string str;                       // min / max
  double num = 0;
  bool has_value = false;
  bool value_is_num = false;
};

struct Group {
  std::vector<std::string> by_values;
  std::vector<FuncState> funcs;
};

void AppendKeyPart(std::string_view v, std::string* key) {
  uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), sizeof(n));
  key->append(v);
}

bool ParseNum(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && p == e;
}

std::string FormatNum(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[512];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, p);
}

// RFC3339 timestamps compare as instants, not as text: "...:00.5Z" is after "...:00Z".
bool AsTimestamp(std::string_view s, int64_t* ns) {
  return s.size() >= 20 && s[4] == '-' && s[10] == 'T' && ParseRFC3339(s, ns);
}

// Better = smaller for min, larger for max: numeric when both numeric, as instants when both
// are timestamps, else string compare.
bool Better(bool is_min, std::string_view v, bool v_num, double vn, const FuncState& st) {
  if (!st.has_value) return true;
  int c;
  int64_t a, b;
  if (v_num && st.value_is_num) {
    c = vn < st.num ? -1 : (vn > st.num ? 1 : 0);
  } else if (!v_num && !st.value_is_num && AsTimestamp(v, &a) && AsTimestamp(st.str, &b)) {
    c = a < b ? -1 : (a > b ? 1 : 0);
  } else {
    c = v.compare(st.str);
  }
  return is_min ? c < 0 : c > 0;
}

// Partial-state encoding shipped between cluster nodes (self-consistent, not Go-compatible):
// varuint count, byte flags (1 has_num, 2 has_value, 4 value_is_num), float64 sum, float64 num,
// len+str, varuint uniq count + len+value each. Every function uses the same layout so merging
// never depends on which fields a function actually reads.
void EncodeFuncState(const FuncState& st, std::string* out) {
  AppendVarint(st.count, out);
  out->push_back(static_cast<char>((st.has_num ? 1 : 0) | (st.has_value ? 2 : 0) | (st.value_is_num ? 4 : 0)));
  char buf[8];
  std::memcpy(buf, &st.sum, 8);
  out->append(buf, 8);
  std::memcpy(buf, &st.num, 8);
  out->append(buf, 8);
  AppendLengthPrefixed(st.str, out);
  AppendVarint(st.uniq.size(), out);
  st.uniq.ForEach([&](std::string_view v) { AppendLengthPrefixed(v, out); });
}

bool DecodeFuncState(std::string_view in, FuncState* st) {
  if (!ReadVarint(&in, &st->count) || in.size() < 17) return false;
  uint8_t flags = static_cast<uint8_t>(in[0]);
  st->has_num = flags & 1;
  st->has_value = flags & 2;
  st->value_is_num = flags & 4;
  std::memcpy(&st->sum, in.data() + 1, 8);
  std::memcpy(&st->num, in.data() + 9, 8);
  in.remove_prefix(17);
  std::string_view str;
  uint64_t n;
  if (!ReadLengthPrefixed(&in, &str) || !ReadVarint(&in, &n) || n > in.size()) return false;
  st->str = str;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view v;
    if (!ReadLengthPrefixed(&in, &v)) return false;
    st->uniq.Insert(v);
  }
  return in.empty();
}

}  // namespace

struct StatsState::Impl {
  const PipeSpec& spec;
  std::unordered_map<std::string, Group> groups;

  explicit Impl(const PipeSpec& s) : spec(s) {}

  Group& GetGroup(const std::string& key, const std::vector<std::string_view>& by_vals) {
    auto it = groups.find(key);
    if (it != groups.end()) return it->second;
    Group g;
    g.by_values.assign(by_vals.begin(), by_vals.end());
    g.funcs.resize(spec.funcs.size());
    return groups.emplace(key, std::move(g)).first->second;
  }

  // Columns of `b` a function reads: the listed ones that match, or all.
  std::vector<const ResultColumn*> Columns(const ResultBlock& b, const StatsFunc& f) const {
    std::vector<const ResultColumn*> out;
    for (const auto& c : b.columns) {
      if (f.fields.empty()) {
        out.push_back(&c);
        continue;
      }
      for (const auto& pat : f.fields) {
        if (FieldMatches(pat, c.name)) {
          out.push_back(&c);
          break;
        }
      }
    }
    return out;
  }

  // Scratch for GroupOfRow, reused across rows.
  struct GroupKey {
    std::string key;
    std::vector<std::string_view> by_vals;
    std::vector<std::string> bucket_text;  // per by-field: the last bucketed value
    std::vector<int64_t> bucket_ts;        // per by-field: the time bucket bucket_text shows
  };

  // The group of row `r`, keyed by its by-field values (absent columns count as empty), each in
  // its bucket when `bucket` (states imported from elsewhere are bucketed already).
  Group& GroupOfRow(const std::vector<const ResultColumn*>& by_cols, size_t r, GroupKey* gk, bool bucket = true) {
    gk->key.clear();
    gk->by_vals.resize(by_cols.size());
    gk->bucket_text.resize(by_cols.size());
    gk->bucket_ts.resize(by_cols.size(), INT64_MIN);
    for (size_t i = 0; i < by_cols.size(); ++i) {
      const ResultColumn* c = by_cols[i];
      std::string_view v = c ? c->at(r) : std::string_view();
      const StatsBucket* b = bucket && i < spec.by_buckets.size() ? &spec.by_buckets[i] : nullptr;
      if (c && b && b->kind == StatsBucket::Kind::kTime && c->type() == ResultColumn::Type::kTimestamps) {
        // Rows of a block come in time order: format a bucket once per run of rows in it.
        const int64_t start = b->TimeBucket(c->timestamps()[r]);
        if (start != gk->bucket_ts[i] || gk->bucket_text[i].empty()) {
          gk->bucket_ts[i] = start;
          gk->bucket_text[i].clear();
          AppendRFC3339Nano(start, &gk->bucket_text[i]);
        }
        v = gk->bucket_text[i];
      } else if (c && b && b->kind != StatsBucket::Kind::kNone) {
        v = b->Apply(v, &gk->bucket_text[i]);
        gk->bucket_ts[i] = INT64_MIN;
      }
      gk->by_vals[i] = v;
      AppendKeyPart(v, &gk->key);
    }
    return GetGroup(gk->key, gk->by_vals);
  }

  // kCountUniqOne: `count_uniq(field)` of one named field keeps the values themselves; with
  // several fields or a wildcard a value is the tuple of all of them (AppendKeyPart each).
  enum class Kind { kCountRows, kCount, kCountUniqOne, kCountUniq, kSum, kMin, kMax };
  static Kind KindOf(const StatsFunc& f) {
    if (f.func == "count") return f.fields.empty() ? Kind::kCountRows : Kind::kCount;
    if (f.func == "count_uniq") {
      const bool one = f.fields.size() == 1 && f.fields[0].find('*') == std::string::npos;
      return one ? Kind::kCountUniqOne : Kind::kCountUniq;
    }
    if (f.func == "sum" || f.func == "avg") return Kind::kSum;
    return f.func == "min" ? Kind::kMin : Kind::kMax;
  }

  // Adds rows [begin, end) of the block to group `g`, function by function.
  void AddRows(Group& g, const std::vector<Kind>& kinds, const std::vector<std::vector<const ResultColumn*>>& fcols,
               size_t begin, size_t end) {
    for (size_t fi = 0; fi < kinds.size(); ++fi) {
      FuncState& st = g.funcs[fi];
      const auto& cols = fcols[fi];
      switch (kinds[fi]) {
        case Kind::kCountRows:
          st.count += end - begin;
          break;
        case Kind::kCount:
          for (size_t r = begin; r < end; ++r) {
            for (const auto* c : cols) {
              if (!c->at(r).empty()) {
                ++st.count;
                break;
              }
            }
          }
          break;
        case Kind::kCountUniqOne: {
          if (cols.empty()) break;
          const ResultColumn& c = *cols[0];
          if (c.type() == ResultColumn::Type::kConst) {
            // Constant and dictionary columns: each distinct value once, not each row.
            if (!c.const_value().empty()) st.uniq.Insert(c.const_value());
          } else if (c.type() == ResultColumn::Type::kDict) {
            std::vector<uint8_t> seen(c.dict().size(), 0);
            for (size_t r = begin; r < end; ++r) seen[c.codes()[r]] = 1;
            for (size_t k = 0; k < seen.size(); ++k) {
              if (seen[k] && !c.dict()[k].empty()) st.uniq.Insert(c.dict()[k]);
            }
          } else {
            for (size_t r = begin; r < end; ++r) {
              const std::string_view v = c.at(r);
              if (!v.empty()) st.uniq.Insert(v);
            }
          }
          break;
        }
        case Kind::kCountUniq: {
          std::string tuple;
          for (size_t r = begin; r < end; ++r) {
            tuple.clear();
            bool any = false;
            for (const auto* c : cols) {
              const std::string_view v = c->at(r);
              any |= !v.empty();
              AppendKeyPart(v, &tuple);
            }
            if (any) st.uniq.Insert(tuple);
          }
          break;
        }
        case Kind::kSum:
          for (const auto* c : cols) {
            if (const double* nums = c->numbers()) {
              for (size_t r = begin; r < end; ++r) {
                if (nums[r] == nums[r]) {  // not NaN: the row has a value
                  st.sum += nums[r];
                  st.has_num = true;
                  ++st.count;
                }
              }
            }
          }
          for (size_t r = begin; r < end; ++r) {
            for (const auto* c : cols) {
              if (c->numbers()) continue;
              double v;
              if (ParseNum(c->at(r), &v)) {
                st.sum += v;
                st.has_num = true;
                ++st.count;
              }
            }
          }
          break;
        case Kind::kMin:
        case Kind::kMax:
          for (const auto* c : cols) {
            // Timestamps: the extreme instant of the rows, formatted once.
            if (c->type() != ResultColumn::Type::kTimestamps || begin == end) continue;
            const auto& ts = c->timestamps();
            int64_t best = ts[begin];
            for (size_t r = begin + 1; r < end; ++r) best = kinds[fi] == Kind::kMin ? std::min(best, ts[r]) : std::max(best, ts[r]);
            std::string text;
            AppendRFC3339Nano(best, &text);
            if (Better(kinds[fi] == Kind::kMin, text, false, 0, st)) {
              st.str = std::move(text);
              st.num = 0;
              st.value_is_num = false;
              st.has_value = true;
            }
          }
          for (size_t r = begin; r < end; ++r) {
            for (const auto* c : cols) {
              if (c->type() == ResultColumn::Type::kTimestamps) continue;
              const double* nums = c->numbers();
              if (nums && nums[r] != nums[r]) continue;  // NaN: the row lacks the field
              const std::string_view v = c->at(r);
              if (v.empty()) continue;
              double vn = 0;
              const bool is_num = nums ? (vn = nums[r], true) : ParseNum(v, &vn);
              if (Better(kinds[fi] == Kind::kMin, v, is_num, vn, st)) {
                st.str = v;
                st.num = vn;
                st.value_is_num = is_num;
                st.has_value = true;
              }
            }
          }
          break;
      }
    }
  }

  void Update(const ResultBlock& b) {
    if (b.rows == 0) return;
    std::vector<const ResultColumn*> by_cols;
    for (const auto& f : spec.by) by_cols.push_back(b.Find(f));
    std::vector<std::vector<const ResultColumn*>> fcols;
    std::vector<Kind> kinds;
    for (const auto& f : spec.funcs) {
      fcols.push_back(Columns(b, f));
      kinds.push_back(KindOf(f));
    }
    GroupKey gk;
    // Group keys from what the columns know: constant by-columns make one group for the whole
    // block; dictionary by-columns look a group up once per distinct code combination.
    size_t combos = 1;
    bool typed = true;
    for (const auto* c : by_cols) {
      if (!c || c->type() == ResultColumn::Type::kConst) continue;
      if (c->type() != ResultColumn::Type::kDict || combos * c->dict().size() > (1u << 16)) {
        typed = false;
        break;
      }
      combos *= c->dict().size();
    }
    if (typed && combos == 1) {
      AddRows(GroupOfRow(by_cols, 0, &gk), kinds, fcols, 0, b.rows);
      return;
    }
    std::vector<Group*> by_combo(typed ? combos : 0, nullptr);
    for (size_t r = 0; r < b.rows; ++r) {
      Group* g;
      if (typed) {
        size_t combo = 0;
        for (const auto* c : by_cols) {
          if (c && c->type() == ResultColumn::Type::kDict) combo = combo * c->dict().size() + c->codes()[r];
        }
        g = by_combo[combo];
        if (!g) g = by_combo[combo] = &GroupOfRow(by_cols, r, &gk);
      } else {
        g = &GroupOfRow(by_cols, r, &gk);
      }
      AddRows(*g, kinds, fcols, r, r + 1);
    }
  }

  void MergeFunc(const StatsFunc& f, FuncState& dst, FuncState&& src) {
    dst.count += src.count;
    dst.sum += src.sum;
    dst.has_num |= src.has_num;
    if (f.func == "count_uniq") dst.uniq.Merge(std::move(src.uniq));
    if ((f.func == "min" || f.func == "max") && src.has_value &&
        Better(f.func == "min", src.str, src.value_is_num, src.num, dst)) {
      dst.str = std::move(src.str);
      dst.num = src.num;
      dst.value_is_num = src.value_is_num;
      dst.has_value = true;
    }
  }

  std::string ResultValue(const StatsFunc& f, const FuncState& st) const {
    if (f.func == "count") return std::to_string(st.count);
    if (f.func == "count_uniq") return std::to_string(st.uniq.size());
    if (f.func == "sum") return st.has_num ? FormatNum(st.sum) : "NaN";
    if (f.func == "avg") return st.count ? FormatNum(st.sum / static_cast<double>(st.count)) : "NaN";
    return st.str;  // min / max
  }
};

StatsState::StatsState(const PipeSpec& spec) : impl_(std::make_unique<Impl>(spec)) {}
StatsState::~StatsState() = default;
StatsState::StatsState(StatsState&&) noexcept = default;

void StatsState::Update(const ResultBlock& block) { impl_->Update(block); }

void StatsState::Merge(StatsState&& other) {
  for (auto& [key, g] : other.impl_->groups) {
    auto it = impl_->groups.find(key);
    if (it == impl_->groups.end()) {
      impl_->groups.emplace(key, std::move(g));
      continue;
    }
    for (size_t i = 0; i < g.funcs.size(); ++i) {
      impl_->MergeFunc(impl_->spec.funcs[i], it->second.funcs[i], std::move(g.funcs[i]));
    }
  }
  other.impl_->groups.clear();
}

bool StatsState::ImportStates(const ResultBlock& b) {
  const PipeSpec& spec = impl_->spec;
  std::vector<const ResultColumn*> by_cols, fn_cols;
  for (const auto& f : spec.by) by_cols.push_back(b.Find(f));
  for (const auto& f : spec.funcs) fn_cols.push_back(b.Find(f.result_name));
  StatsState::Impl::GroupKey gk;
  for (size_t r = 0; r < b.rows; ++r) {
    Group& g = impl_->GroupOfRow(by_cols, r, &gk, /*bucket=*/false);
    for (size_t fi = 0; fi < spec.funcs.size(); ++fi) {
      if (fn_cols[fi] == nullptr) return false;
      FuncState st;
      if (!DecodeFuncState(fn_cols[fi]->at(r), &st)) return false;
      impl_->MergeFunc(spec.funcs[fi], g.funcs[fi], std::move(st));
    }
  }
  return true;
}

namespace {

// Rows of a stats pipe's output: the by-fields, then one column per function.
class StatsOutput {
 public:
  explicit StatsOutput(const PipeSpec& spec) : spec_(spec), cols_(spec.by.size() + spec.funcs.size()) {}
  // Appends one row for `g`; `render(func_index)` gives the value of each function column.
  template <typename Render>
  void Add(const Group& g, Render&& render) {
    for (size_t i = 0; i < spec_.by.size(); ++i) cols_[i].Add(g.by_values[i]);
    for (size_t i = 0; i < spec_.funcs.size(); ++i) cols_[spec_.by.size() + i].Add(render(i));
    ++rows_;
  }
  ResultBlock Build() {
    ResultBlock out;
    out.rows = rows_;
    for (size_t i = 0; i < spec_.by.size(); ++i) out.columns.push_back(cols_[i].Build(spec_.by[i]));
    for (size_t i = 0; i < spec_.funcs.size(); ++i) {
      out.columns.push_back(cols_[spec_.by.size() + i].Build(spec_.funcs[i].result_name));
    }
    return out;
  }

 private:
  const PipeSpec& spec_;
  std::vector<StringsBuilder> cols_;
  size_t rows_ = 0;
};

}  // namespace

ResultBlock StatsState::ExportStates() const {
  const PipeSpec& spec = impl_->spec;
  StatsOutput out(spec);
  std::string enc;
  for (const auto& entry : impl_->groups) {
    const auto& g = entry.second;  // a named reference: clang 14 cannot capture structured bindings
    out.Add(g, [&](size_t i) -> std::string_view {
      enc.clear();
      EncodeFuncState(g.funcs[i], &enc);
      return enc;
    });
  }
  return out.Build();
}

ResultBlock StatsState::Result() const {
  const PipeSpec& spec = impl_->spec;
  StatsOutput out(spec);
  auto emit = [&](const Group& g) {
    out.Add(g, [&](size_t i) { return impl_->ResultValue(spec.funcs[i], g.funcs[i]); });
  };
  // Without `by`, one row even for zero input rows.
  if (impl_->groups.empty() && spec.by.empty()) {
    Group g;
    g.funcs.resize(spec.funcs.size());
    emit(g);
  }
  for (const auto& [key, g] : impl_->groups) emit(g);
  return out.Build();
}

namespace {

class StatsProcessor : public Processor {
 public:
  StatsProcessor(const PipeSpec& spec, Processor* next) : mode_(spec.stats_mode), state_(spec), next_(next) {}
  bool Push(ResultBlock&& b) override {
    if (mode_ == StatsMode::kLocal || mode_ == StatsMode::kProxy) {
      // A corrupt state from a peer would silently skew results; count it and drop the block.
      if (!state_.ImportStates(b)) ++bad_states_;
    } else {
      state_.Update(b);
    }
    return true;
  }
  bool Flush() override {
    const bool export_states = mode_ == StatsMode::kRemote || mode_ == StatsMode::kProxy;
    ResultBlock out = export_states ? state_.ExportStates() : state_.Result();
    if (out.rows > 0) next_->Push(std::move(out));
    return next_->Flush();
  }

 private:
  StatsMode mode_;
  StatsState state_;
  Processor* next_;
  uint64_t bad_states_ = 0;
};

}  // namespace

std::unique_ptr<Processor> MakeStatsProcessor(const PipeSpec& spec, Processor* next) {
  return std::make_unique<StatsProcessor>(spec, next);
}

}  // namespace vl::logsql
