// `contains_any(a, "b c")`: at least one word or phrase occurs in the value (token boundaries
// as for the phrase filter). An empty phrase matches every row; `contains_any()` matches none.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class ContainsAnyFilter final : public FieldFilter {
 public:
  ContainsAnyFilter(std::string field, std::vector<std::string> phrases)
      : FieldFilter(std::move(field)), phrases_(std::move(phrases)) {
    for (const auto& p : phrases_) {
      has_empty_ = has_empty_ || p.empty();
      tokens_.push_back(WordTokens(p, false));
    }
  }
  std::string_view kind() const override { return "contains_any"; }
  std::string String() const override { return FuncString(field_, "contains_any", phrases_); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<ContainsAnyFilter>(field_, phrases_); }
  bool MayMatchBlock(EvalSource& src) const override {
    if (has_empty_) return true;
    for (const auto& t : tokens_) {
      if (TokensMayBePresent(src, field_, t)) return true;
    }
    return false;
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (has_empty_) return;
    if (!MayMatchBlock(src)) return ClearAll(bm);
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) {
      for (const auto& p : phrases_) {
        if (MatchPhrase(s, p)) return true;
      }
      return false;
    });
  }

 private:
  std::vector<std::string> phrases_;
  std::vector<std::vector<std::string>> tokens_;
  bool has_empty_ = false;
};

}  // namespace

std::unique_ptr<Filter> BuildContainsAny(FilterCall& call, std::string* err) {
  if (call.star_list) return MakeMatchAllFilter();
  std::vector<std::string> phrases;
  if (!PhraseArgs(call, &phrases, err)) return nullptr;
  return std::make_unique<ContainsAnyFilter>(call.field, std::move(phrases));
}

}  // namespace vl::logsql::filters
