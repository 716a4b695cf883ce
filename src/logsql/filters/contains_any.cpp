// `contains_any(a, "b c")`: at least one word or phrase occurs in the value (token boundaries
// as for the phrase filter). An empty phrase matches every row; `contains_any()` matches none.
// The list may come from a subquery: `contains_any(<query> | fields x)`.
#include "filters.h"
#include "list_filter.h"

namespace vl::logsql::filters {
namespace {

class ContainsAnyFilter final : public ListFilter {
 public:
  template <typename Source>
  ContainsAnyFilter(std::string field, Source source) : ListFilter(std::move(field), std::move(source)) {
    OnValues();
  }
  std::string_view kind() const override { return "contains_any"; }
  std::unique_ptr<Filter> Clone() const override { return CloneAs<ContainsAnyFilter>(); }
  bool MayMatchBlock(EvalSource& src) const override {
    if (pending()) return false;
    if (has_empty_) return true;
    for (const auto& t : tokens_) {
      if (TokensMayBePresent(src, field_, t)) return true;
    }
    return false;
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!pending() && has_empty_) return;
    if (!MayMatchBlock(src)) return ClearAll(bm);
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) {
      for (const auto& p : values_) {
        if (MatchPhrase(s, p)) return true;
      }
      return false;
    });
  }

 private:
  void OnValues() override {
    tokens_.clear();
    has_empty_ = false;
    for (const auto& p : values_) {
      has_empty_ = has_empty_ || p.empty();
      tokens_.push_back(WordTokens(p, false));
    }
  }

  std::vector<std::vector<std::string>> tokens_;
  bool has_empty_ = false;
};

}  // namespace

std::unique_ptr<Filter> BuildContainsAny(FilterCall& call, std::string* err) {
  if (call.star_list) return MakeMatchAllFilter();
  if (call.subquery) return std::make_unique<ContainsAnyFilter>(call.field, std::move(call.subquery));
  std::vector<std::string> phrases;
  if (!PhraseArgs(call, &phrases, err)) return nullptr;
  return std::make_unique<ContainsAnyFilter>(call.field, std::move(phrases));
}

}  // namespace vl::logsql::filters
