// Internal: what the filter classes share: bitmap helpers, per-value memoization, token
// pre-checks against bloom filters, and canonical printing of `field:` prefixes.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "vl/logsql/filter.h"
#include "vl/logsql/filter_eval.h"

namespace vl::logsql::filters {

inline bool AnySet(const Bitmap& bm) { return std::find(bm.begin(), bm.end(), uint8_t{1}) != bm.end(); }
inline void ClearAll(Bitmap* bm) { std::fill(bm->begin(), bm->end(), uint8_t{0}); }

// Clears rows whose value fails `pred`. A constant column is tested once.
template <typename Pred>
void ApplyToValues(const FieldValues& fv, Bitmap* bm, Pred&& pred) {
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

// A leaf filter over the values of one field.
class FieldFilter : public Filter {
 public:
  explicit FieldFilter(std::string field) : field_(std::move(field)) {}
  void AppendFields(std::vector<std::string>* out) const override { out->push_back(field_); }
  const std::string& field() const { return field_; }

 protected:
  // For filters that test each value on its own: false when the block's metadata says every
  // row holds one value (or lacks the field) and `pred` rejects it.
  template <typename Pred>
  bool ConstMayMatch(EvalSource& src, Pred&& pred) const {
    std::string_view v;
    return !src.KnownConst(field_, &v) || pred(v);
  }

  std::string field_;
};

// `_time`, `_stream`, `_stream_id`: not stored columns, so no bloom filter or header applies.
inline bool IsSpecialField(std::string_view f) { return f == "_time" || f == "_stream" || f == "_stream_id"; }

// The whole-word tokens of `text`; without the last one when `open_end` and the text ends in
// a word character (a prefix may end mid-word).
std::vector<std::string> WordTokens(std::string_view text, bool open_end);
// False when some token is certainly absent from `field` in this block.
bool TokensMayBePresent(EvalSource& src, const std::string& field, const std::vector<std::string>& tokens);

// `field:` as printed before a filter; nothing for `_msg`.
std::string FieldPrefix(const std::string& field);
// `field:name(a,"b c")`: a function-syntax filter over a list of values.
std::string FuncString(const std::string& field, std::string_view name, const std::vector<std::string>& values);
// The whole-word tokens of every value, for a filter that needs all of them present.
std::vector<std::string> AllWordTokens(const std::vector<std::string>& values);

// Lowercase copy of `s` in *buf: ASCII, and the two-byte UTF-8 capitals of Latin-1, Latin
// Extended-A, Greek and Cyrillic. Other bytes are copied; the length never changes.
std::string_view LowerInto(std::string_view s, std::string* buf);

// For a filter on `_stream_id` that matches exactly these values: only their streams can
// match (intersected with ids narrowed before). Values that are not canonical stream ids
// name no stream; when none is left the search is empty.
void NarrowToStreamIds(const std::vector<std::string>& values, SearchNarrowing* n);
void NarrowToStreamIds(std::vector<StreamID> ids, SearchNarrowing* n);

}  // namespace vl::logsql::filters
