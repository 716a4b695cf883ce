// Prefix filters: `err*`, `"unexpected fail"*`.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class PrefixFilter final : public FieldFilter {
 public:
  PrefixFilter(std::string field, std::string prefix)
      : FieldFilter(std::move(field)), prefix_(std::move(prefix)), tokens_(WordTokens(prefix_, true)) {}
  std::string_view kind() const override { return "prefix"; }
  std::string String() const override { return FieldPrefix(field_) + QuoteIfNeeded(prefix_) + "*"; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<PrefixFilter>(field_, prefix_); }
  bool Match(std::string_view s) const { return MatchPrefix(s, prefix_); }
  bool MayMatchBlock(EvalSource& src) const override {
    return TokensMayBePresent(src, field_, tokens_) && ConstMayMatch(src, [this](std::string_view v) { return Match(v); });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) { return Match(s); });
  }

 private:
  std::string prefix_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Filter> MakePrefixFilter(std::string field, std::string prefix) {
  if (prefix.empty()) return field == "_msg" ? MakeMatchAllFilter() : MakeAnyValueFilter(std::move(field));
  return std::make_unique<PrefixFilter>(std::move(field), std::move(prefix));
}

}  // namespace vl::logsql::filters
