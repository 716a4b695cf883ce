#include "vl/logsql/filter_eval.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "vl/common/tokenizer.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql {

namespace {

bool StartsWithWordChar(std::string_view p) {
  size_t len = 0;
  return !p.empty() && IsWordCharAt(p, 0, &len);
}

bool EndsWithWordChar(std::string_view p) {
  if (p.empty()) return false;
  size_t j = p.size() - 1;
  while (j > 0 && (static_cast<unsigned char>(p[j]) & 0xC0) == 0x80) --j;
  size_t len = 0;
  return IsWordCharAt(p, j, &len);
}

bool Any(const Bitmap& bm) {
  return std::find(bm.begin(), bm.end(), uint8_t{1}) != bm.end();
}

void ClearAll(Bitmap* bm) { std::fill(bm->begin(), bm->end(), uint8_t{0}); }

template <typename Pred>
void Apply(const FieldValues& fv, Bitmap* bm, Pred&& pred) {
  if (!fv.values) {
    if (!pred(fv.constant)) ClearAll(bm);
    return;
  }
  uint8_t* b = bm->data();
  const size_t n = bm->size();
  for (size_t i = 0; i < n; ++i) {
    if (b[i] && !pred(fv.values[i])) b[i] = 0;
  }
}

// Remembers an expensive predicate's answer for the last few distinct values of a block: levels,
// hosts, status codes and other low-cardinality columns repeat a handful of values, which are
// then matched once per block instead of once per row. Gives up after 64 lookups when fewer
// than half were hits (high-cardinality columns such as _msg), so those pay almost nothing.
class RecentValues {
 public:
  template <typename Pred>
  bool Get(std::string_view s, Pred&& pred) {
    if (!enabled_) return pred(s);
    ++lookups_;
    for (size_t k = 0; k < used_; ++k) {
      if (slots_[k].value.size() == s.size() && slots_[k].value == s) {
        ++hits_;
        return slots_[k].result;
      }
    }
    const bool result = pred(s);
    slots_[next_] = {s, result};
    next_ = (next_ + 1) % kSlots;
    used_ = std::min(used_ + 1, kSlots);
    if (lookups_ == 64 && hits_ * 2 < lookups_) enabled_ = false;
    return result;
  }

 private:
  static constexpr size_t kSlots = 8;
  struct Slot {
    std::string_view value;  // a view into the block being evaluated
    bool result = false;
  };
  Slot slots_[kSlots];
  size_t used_ = 0, next_ = 0, lookups_ = 0, hits_ = 0;
  bool enabled_ = true;
};

std::string_view LowerInto(std::string_view s, std::string* buf) {
  buf->assign(s);
  for (char& c : *buf) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return *buf;
}

bool IsSpecialField(std::string_view f) { return f == "_time" || f == "_stream" || f == "_stream_id"; }

// Whole-word tokens any value matching `f` contains.
void LeafTokens(const Filter& f, std::vector<std::pair<std::string, std::string>>* out) {
  if (f.case_insensitive || IsSpecialField(f.field)) return;
  bool drop_last = false;
  switch (f.kind) {
    case FilterKind::kPhrase:
    case FilterKind::kExact:
      break;
    case FilterKind::kPrefix:
    case FilterKind::kExactPrefix:
      drop_last = EndsWithWordChar(f.value);
      break;
    default:
      return;
  }
  std::vector<std::string_view> toks;
  ForEachToken(std::string_view(f.value), [&](std::string_view t) { toks.push_back(t); });
  if (drop_last && !toks.empty()) toks.pop_back();
  for (auto t : toks) out->emplace_back(f.field, std::string(t));
}

}  // namespace

bool MatchPhrase(std::string_view s, std::string_view p) {
  if (p.empty()) return s.empty();
  const bool check_start = StartsWithWordChar(p);
  const bool check_end = EndsWithWordChar(p);
  size_t pos = 0;
  while ((pos = s.find(p, pos)) != std::string_view::npos) {
    if ((!check_start || IsTokenBoundaryBefore(s, pos)) && (!check_end || IsTokenBoundaryAfter(s, pos + p.size()))) {
      return true;
    }
    ++pos;
  }
  return false;
}

bool MatchPrefix(std::string_view s, std::string_view p) {
  if (p.empty()) return !s.empty();
  const bool check_start = StartsWithWordChar(p);
  size_t pos = 0;
  while ((pos = s.find(p, pos)) != std::string_view::npos) {
    if (!check_start || IsTokenBoundaryBefore(s, pos)) return true;
    ++pos;
  }
  return false;
}

void RequiredTokens(const Filter& f, std::vector<std::pair<std::string, std::string>>* tokens) {
  if (f.kind == FilterKind::kAnd) {
    for (const auto& c : f.children) LeafTokens(*c, tokens);
  } else {
    LeafTokens(f, tokens);
  }
}

bool RangeMayMatch(const Filter& f, EvalSource& src) {
  double lo, hi;
  if (f.range_string || !src.NumericRange(f.field, &lo, &hi)) return true;
  return hi >= f.range_min && lo <= f.range_max;
}

void EvalFilter(const Filter& f, EvalSource& src, Bitmap* bm) {
  switch (f.kind) {
    case FilterKind::kMatchAll:
      return;
    case FilterKind::kAnd:
      for (const auto& c : f.children) {
        if (!Any(*bm)) return;
        EvalFilter(*c, src, bm);
      }
      return;
    case FilterKind::kOr: {
      Bitmap result(bm->size(), 0);
      Bitmap tmp;
      for (const auto& c : f.children) {
        tmp = *bm;
        bool any = false;
        for (size_t i = 0; i < tmp.size(); ++i) {
          if (result[i]) tmp[i] = 0;
          any |= tmp[i] != 0;
        }
        if (!any) break;
        EvalFilter(*c, src, &tmp);
        for (size_t i = 0; i < tmp.size(); ++i) result[i] |= tmp[i];
      }
      *bm = std::move(result);
      return;
    }
    case FilterKind::kNot: {
      Bitmap tmp = *bm;
      EvalFilter(*f.children[0], src, &tmp);
      for (size_t i = 0; i < tmp.size(); ++i) {
        if (tmp[i]) (*bm)[i] = 0;
      }
      return;
    }
    case FilterKind::kTime: {
      if (auto b = src.time_bounds()) {
        if (b->first >= f.min_ts && b->second <= f.max_ts) return;
        if (b->second < f.min_ts || b->first > f.max_ts) return ClearAll(bm);
      }
      const int64_t* ts = src.timestamps();
      if (!ts) return ClearAll(bm);
      for (size_t i = 0; i < bm->size(); ++i) {
        if ((*bm)[i] && (ts[i] < f.min_ts || ts[i] > f.max_ts)) (*bm)[i] = 0;
      }
      return;
    }
    case FilterKind::kStream: {
      const StreamTags* tags = src.stream_tags();
      if (!tags || !f.stream.Matches(*tags)) ClearAll(bm);
      return;
    }
    default:
      break;
  }

  // Leaf filters over one field.
  if (!f.case_insensitive && !IsSpecialField(f.field)) {
    std::vector<std::pair<std::string, std::string>> toks;
    LeafTokens(f, &toks);
    for (const auto& [field, tok] : toks) {
      if (!src.MayContainToken(field, tok)) return ClearAll(bm);
    }
  }
  if (f.kind == FilterKind::kRange && !RangeMayMatch(f, src)) return ClearAll(bm);
  if (f.kind == FilterKind::kRange && !f.range_string) {
    if (const double* nums = src.NumericValues(f.field)) {
      uint8_t* b = bm->data();
      const double lo = f.range_min, hi = f.range_max;
      for (size_t i = 0, n = bm->size(); i < n; ++i)
        b[i] &= static_cast<uint8_t>(nums[i] >= lo && nums[i] <= hi);  // NaN (empty) fails
      return;
    }
  }
  const FieldValues fv = src.Get(f.field);
  const std::string_view v = f.value;
  std::string buf;
  switch (f.kind) {
    case FilterKind::kPhrase:
      if (f.case_insensitive) {
        RecentValues recent;
        Apply(fv, bm, [&](std::string_view s) {
          return recent.Get(s, [&](std::string_view x) { return MatchPhrase(LowerInto(x, &buf), v); });
        });
      } else {
        Apply(fv, bm, [&](std::string_view s) { return MatchPhrase(s, v); });
      }
      return;
    case FilterKind::kPrefix:
      if (f.case_insensitive) {
        RecentValues recent;
        Apply(fv, bm, [&](std::string_view s) {
          return recent.Get(s, [&](std::string_view x) { return MatchPrefix(LowerInto(x, &buf), v); });
        });
      } else {
        Apply(fv, bm, [&](std::string_view s) { return MatchPrefix(s, v); });
      }
      return;
    case FilterKind::kExact:
      Apply(fv, bm, [&](std::string_view s) { return s == v; });
      return;
    case FilterKind::kExactPrefix:
      Apply(fv, bm, [&](std::string_view s) { return s.substr(0, v.size()) == v; });
      return;
    case FilterKind::kAnyValue:
      Apply(fv, bm, [](std::string_view s) { return !s.empty(); });
      return;
    case FilterKind::kEmptyValue:
      Apply(fv, bm, [](std::string_view s) { return s.empty(); });
      return;
    case FilterKind::kRange: {
      // Runs of equal values (dictionary and const columns) are parsed once.
      std::string_view prev;
      bool prev_ok = false, has_prev = false;
      Apply(fv, bm, [&](std::string_view s) {
        if (!has_prev || s != prev) {
          prev = s;
          has_prev = true;
          prev_ok = MatchRange(f, s);
        }
        return prev_ok;
      });
      return;
    }
    case FilterKind::kRegexp: {
      const RE2* re = f.re.get();
      if (!re) return ClearAll(bm);
      RecentValues recent;
      Apply(fv, bm, [&](std::string_view s) {
        return recent.Get(s, [&](std::string_view x) { return RE2::PartialMatch(re2::StringPiece(x.data(), x.size()), *re); });
      });
      return;
    }
    // Handled above; listed so that a new kind without evaluation is a -Wswitch warning, and
    // fails closed (no row) rather than open.
    case FilterKind::kMatchAll:
    case FilterKind::kAnd:
    case FilterKind::kOr:
    case FilterKind::kNot:
    case FilterKind::kTime:
    case FilterKind::kStream:
      return ClearAll(bm);
  }
  ClearAll(bm);
}

}  // namespace vl::logsql
