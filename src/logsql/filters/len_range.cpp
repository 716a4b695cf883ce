// `len_range(5, 10)`: the value's length in Unicode code points is within the inclusive range.
// A missing field has length 0. Bounds take integers (`0x10`, `1_000`, `1KB`) and `inf`.
#include <cmath>
#include <limits>

#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql::filters {
namespace {

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

class LenRangeFilter final : public FieldFilter {
 public:
  LenRangeFilter(std::string field, double lo, double hi, std::string text)
      : FieldFilter(std::move(field)), lo_(lo), hi_(hi), text_(std::move(text)) {}
  std::string_view kind() const override { return "len_range"; }
  std::string String() const override { return FieldPrefix(field_) + text_; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<LenRangeFilter>(field_, lo_, hi_, text_); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) {
      const double n = static_cast<double>(CodePoints(s));
      return n >= lo_ && n <= hi_;
    });
  }

 private:
  double lo_, hi_;
  std::string text_;
};

bool ParseLenBound(std::string_view s, double* v) {
  if (s == "inf" || s == "+inf" || s == "Inf" || s == "+Inf" || s == "INF") {
    *v = std::numeric_limits<double>::infinity();
    return true;
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B')) {
    const int base = (s[1] == 'x' || s[1] == 'X') ? 16 : 2;
    uint64_t n = 0;
    for (char c : s.substr(2)) {
      if (c == '_') continue;
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
      if (d >= base) return false;
      n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    *v = static_cast<double>(n);
    return true;
  }
  return ParseRangeNumber(s, v) && *v >= 0;
}

}  // namespace

std::unique_ptr<Filter> BuildLenRange(FilterCall& call, std::string* err) {
  if (call.args.size() != 2) {
    *err = "len_range() takes two bounds";
    return nullptr;
  }
  double lo, hi;
  for (int i = 0; i < 2; ++i) {
    if (!ParseLenBound(call.args[i].value, i == 0 ? &lo : &hi)) {
      *err = "cannot parse length bound \"" + call.args[i].value + "\" of len_range()";
      return nullptr;
    }
  }
  std::string text = "len_range(" + call.args[0].value + ", " + call.args[1].value + ")";
  return std::make_unique<LenRangeFilter>(call.field, lo, hi, std::move(text));
}

}  // namespace vl::logsql::filters
