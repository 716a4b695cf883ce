// `field:="value"*`, `exact("value"*)`: the whole value starts with the prefix.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class ExactPrefixFilter final : public FieldFilter {
 public:
  ExactPrefixFilter(std::string field, std::string prefix)
      : FieldFilter(std::move(field)), prefix_(std::move(prefix)), tokens_(WordTokens(prefix_, true)) {}
  std::string_view kind() const override { return "exact_prefix"; }
  std::string String() const override { return FieldPrefix(field_) + "=" + QuoteIfNeeded(prefix_) + "*"; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<ExactPrefixFilter>(field_, prefix_); }
  bool MayMatchBlock(EvalSource& src) const override {
    return TokensMayBePresent(src, field_, tokens_) &&
           ConstMayMatch(src, [this](std::string_view v) { return v.substr(0, prefix_.size()) == prefix_; });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    const std::string_view p = prefix_;
    ApplyToValues(src.Get(field_), bm, [p](std::string_view s) { return s.substr(0, p.size()) == p; });
  }

 private:
  std::string prefix_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Filter> MakeExactPrefixFilter(std::string field, std::string prefix) {
  return std::make_unique<ExactPrefixFilter>(std::move(field), std::move(prefix));
}

}  // namespace vl::logsql::filters
