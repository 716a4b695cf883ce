// `contains_all(a, "b c")`: every word or phrase occurs in the value (token boundaries as for
// the phrase filter). Empty phrases are skipped, so `contains_all()` matches every row.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class ContainsAllFilter final : public FieldFilter {
 public:
  ContainsAllFilter(std::string field, std::vector<std::string> phrases)
      : FieldFilter(std::move(field)), phrases_(std::move(phrases)), tokens_(AllWordTokens(phrases_)) {}
  std::string_view kind() const override { return "contains_all"; }
  std::string String() const override { return FuncString(field_, "contains_all", phrases_); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<ContainsAllFilter>(field_, phrases_); }
  bool MayMatchBlock(EvalSource& src) const override { return TokensMayBePresent(src, field_, tokens_); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    bool any = false;
    for (const auto& p : phrases_) any = any || !p.empty();
    if (!any) return;
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) {
      for (const auto& p : phrases_) {
        if (!p.empty() && !MatchPhrase(s, p)) return false;
      }
      return true;
    });
  }

 private:
  std::vector<std::string> phrases_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Filter> BuildContainsAll(FilterCall& call, std::string* err) {
  if (call.star_list) return MakeMatchAllFilter();
  std::vector<std::string> phrases;
  if (!PhraseArgs(call, &phrases, err)) return nullptr;
  return std::make_unique<ContainsAllFilter>(call.field, std::move(phrases));
}

}  // namespace vl::logsql::filters
