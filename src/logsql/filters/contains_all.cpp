// `contains_all(a, "b c")`: every word or phrase occurs in the value (token boundaries as for
// the phrase filter). Empty phrases are skipped, so `contains_all()` matches every row. The
// list may come from a subquery: `contains_all(<query> | fields x)`.
#include "filters.h"
#include "list_filter.h"

namespace vl::logsql::filters {
namespace {

class ContainsAllFilter final : public ListFilter {
 public:
  template <typename Source>
  ContainsAllFilter(std::string field, Source source) : ListFilter(std::move(field), std::move(source)) {
    OnValues();
  }
  std::string_view kind() const override { return "contains_all"; }
  std::unique_ptr<Filter> Clone() const override { return CloneAs<ContainsAllFilter>(); }
  bool MayMatchBlock(EvalSource& src) const override {
    return !pending() && TokensMayBePresent(src, field_, tokens_);
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    if (!any_phrase_) return;
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) {
      for (const auto& p : values_) {
        if (!p.empty() && !MatchPhrase(s, p)) return false;
      }
      return true;
    });
  }

 private:
  void OnValues() override {
    tokens_ = AllWordTokens(values_);
    any_phrase_ = false;
    for (const auto& p : values_) any_phrase_ = any_phrase_ || !p.empty();
  }

  std::vector<std::string> tokens_;
  bool any_phrase_ = false;
};

}  // namespace

std::unique_ptr<Filter> BuildContainsAll(FilterCall& call, std::string* err) {
  if (call.star_list) return MakeMatchAllFilter();
  if (call.subquery) return std::make_unique<ContainsAllFilter>(call.field, std::move(call.subquery));
  std::vector<std::string> phrases;
  if (!PhraseArgs(call, &phrases, err)) return nullptr;
  return std::make_unique<ContainsAllFilter>(call.field, std::move(phrases));
}

}  // namespace vl::logsql::filters
