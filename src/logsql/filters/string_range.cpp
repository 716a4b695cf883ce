// Bytewise string ranges: `string_range(a, b)` (a <= v < b), and `field:>"John"` style
// comparisons whose operand is not a number. A missing field compares as "", as in
// VictoriaLogs: `user:<"John"` matches rows without a user.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class StringRangeFilter final : public FieldFilter {
 public:
  struct Bound {
    bool set = false;
    bool inclusive = false;
    std::string value;
  };
  StringRangeFilter(std::string field, Bound lo, Bound hi, std::string text)
      : FieldFilter(std::move(field)), lo_(std::move(lo)), hi_(std::move(hi)), text_(std::move(text)) {}
  std::string_view kind() const override { return "string_range"; }
  std::string String() const override { return FieldPrefix(field_) + text_; }
  std::unique_ptr<Filter> Clone() const override {
    return std::make_unique<StringRangeFilter>(field_, lo_, hi_, text_);
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    ApplyToValues(src.Get(field_), bm, [this](std::string_view v) {
      if (lo_.set) {
        const int c = v.compare(lo_.value);
        if (c < 0 || (c == 0 && !lo_.inclusive)) return false;
      }
      if (hi_.set) {
        const int c = v.compare(hi_.value);
        if (c > 0 || (c == 0 && !hi_.inclusive)) return false;
      }
      return true;
    });
  }

 private:
  Bound lo_, hi_;
  std::string text_;
};

}  // namespace

std::unique_ptr<Filter> MakeStringComparison(std::string field, const std::string& op, const std::string& operand) {
  StringRangeFilter::Bound lo, hi;
  StringRangeFilter::Bound& b = op[0] == '>' ? lo : hi;
  b.set = true;
  b.inclusive = op.size() == 2;
  b.value = operand;
  return std::make_unique<StringRangeFilter>(std::move(field), std::move(lo), std::move(hi), op + QuoteLogsql(operand));
}

std::unique_ptr<Filter> BuildStringRange(FilterCall& call, std::string* err) {
  if (call.args.size() != 2 || call.args[0].star || call.args[1].star) {
    *err = "string_range() takes two values";
    return nullptr;
  }
  StringRangeFilter::Bound lo{true, true, call.args[0].value};
  StringRangeFilter::Bound hi{true, false, call.args[1].value};
  std::string text = "string_range(" + QuoteIfNeeded(lo.value) + ", " + QuoteIfNeeded(hi.value) + ")";
  return std::make_unique<StringRangeFilter>(call.field, std::move(lo), std::move(hi), std::move(text));
}

}  // namespace vl::logsql::filters
