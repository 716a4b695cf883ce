// `field:=value`, `exact("value")`: the whole value equals.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class ExactFilter final : public FieldFilter {
 public:
  ExactFilter(std::string field, std::string value)
      : FieldFilter(std::move(field)), value_(std::move(value)), tokens_(WordTokens(value_, false)) {}
  std::string_view kind() const override { return "exact"; }
  std::string String() const override { return FieldPrefix(field_) + "=" + QuoteIfNeeded(value_); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<ExactFilter>(field_, value_); }
  bool MayMatchBlock(EvalSource& src) const override {
    return TokensMayBePresent(src, field_, tokens_) && ConstMayMatch(src, [this](std::string_view v) { return v == value_; });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    const std::string_view v = value_;
    ApplyToValues(src.Get(field_), bm, [v](std::string_view s) { return s == v; });
  }
  void NarrowSearch(SearchNarrowing* n) const override {
    if (field_ == "_stream_id") NarrowToStreamIds(std::vector<std::string>{value_}, n);
  }

 private:
  std::string value_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Filter> MakeExactFilter(std::string field, std::string value) {
  return std::make_unique<ExactFilter>(std::move(field), std::move(value));
}

std::unique_ptr<Filter> BuildExact(FilterCall& call, std::string* err) {
  if (call.args.size() != 1) {
    *err = "exact() takes one value";
    return nullptr;
  }
  FilterArg& a = call.args[0];
  if (a.star) return MakeExactPrefixFilter(call.field, std::move(a.value));
  return MakeExactFilter(call.field, std::move(a.value));
}

}  // namespace vl::logsql::filters
