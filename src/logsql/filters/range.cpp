// Numeric ranges: `field:>N`, `>=`, `<`, `<=` with a numeric operand, and `range(a, b)` with
// `(`/`[` and `)`/`]` for exclusive/inclusive ends. Values read as numbers the way
// ParseRangeNumber reads them (durations, short numbers, timestamps, IPv4); others never match.
#include <cmath>
#include <limits>

#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql::filters {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

class RangeFilter final : public FieldFilter {
 public:
  // Inclusive bounds; `text` is the canonical source after `field:`.
  RangeFilter(std::string field, double lo, double hi, std::string text)
      : FieldFilter(std::move(field)), lo_(lo), hi_(hi), text_(std::move(text)) {}
  std::string_view kind() const override { return "range"; }
  std::string String() const override { return FieldPrefix(field_) + text_; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<RangeFilter>(field_, lo_, hi_, text_); }
  bool MayMatchBlock(EvalSource& src) const override {
    double lo, hi;
    if (IsSpecialField(field_)) return true;
    if (src.NumericRange(field_, &lo, &hi) && (hi < lo_ || lo > hi_)) return false;
    return ConstMayMatch(src, [this](std::string_view s) {
      double v;
      return !s.empty() && ParseRangeNumber(s, &v) && v >= lo_ && v <= hi_;
    });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    const double lo = lo_, hi = hi_;
    if (const double* nums = IsSpecialField(field_) ? nullptr : src.NumericValues(field_)) {
      uint8_t* b = bm->data();
      for (size_t i = 0, n = bm->size(); i < n; ++i)
        b[i] &= static_cast<uint8_t>(nums[i] >= lo && nums[i] <= hi);  // NaN (empty) fails
      return;
    }
    // Runs of equal values (dictionary and const columns) are parsed once.
    std::string_view prev;
    bool prev_ok = false, has_prev = false;
    ApplyToValues(src.Get(field_), bm, [&](std::string_view s) {
      if (!has_prev || s != prev) {
        prev = s;
        has_prev = true;
        double v;
        prev_ok = !s.empty() && ParseRangeNumber(s, &v) && v >= lo && v <= hi;
      }
      return prev_ok;
    });
  }

 private:
  double lo_, hi_;
  std::string text_;
};

}  // namespace

std::unique_ptr<Filter> MakeNumericComparison(std::string field, const std::string& op, double n,
                                              const std::string& operand) {
  double lo = -kInf, hi = kInf;
  if (op == ">") lo = std::nextafter(n, kInf);
  else if (op == ">=") lo = n;
  else if (op == "<") hi = std::nextafter(n, -kInf);
  else hi = n;
  // Numbers print bare: their characters glue back into the same compound token.
  return std::make_unique<RangeFilter>(std::move(field), lo, hi, op + operand);
}

std::unique_ptr<Filter> BuildRange(FilterCall& call, std::string* err) {
  if (call.args.size() != 2) {
    *err = "range() takes two bounds";
    return nullptr;
  }
  const std::string& a = call.args[0].value;
  const std::string& b = call.args[1].value;
  double lo, hi;
  if (!ParseRangeNumber(a, &lo)) {
    *err = "cannot parse lower bound \"" + a + "\" of range()";
    return nullptr;
  }
  if (!ParseRangeNumber(b, &hi)) {
    *err = "cannot parse upper bound \"" + b + "\" of range()";
    return nullptr;
  }
  const bool left_incl = call.open_bracket, right_incl = call.close_bracket;
  std::string text = std::string("range") + (left_incl ? "[" : "(") + a + ", " + b + (right_incl ? "]" : ")");
  return std::make_unique<RangeFilter>(call.field, left_incl ? lo : std::nextafter(lo, kInf),
                                       right_incl ? hi : std::nextafter(hi, -kInf), std::move(text));
}

}  // namespace vl::logsql::filters
