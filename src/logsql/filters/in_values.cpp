// `field:in(a, b, ...)`: the whole value is one of the list; `in(<query>)` takes the list from
// the distinct values of a subquery's one output field, run before the outer query.
#include <unordered_set>

#include "filters.h"
#include "list_filter.h"

namespace vl::logsql::filters {
namespace {

// Block pruning consults the bloom filter for every value; past this many it costs more than
// it saves.
constexpr size_t kMaxValuesForBlockPruning = 64;

class InFilter final : public ListFilter {
 public:
  template <typename Source>
  InFilter(std::string field, Source source) : ListFilter(std::move(field), std::move(source)) {
    OnValues();
  }
  std::string_view kind() const override { return "in"; }
  std::unique_ptr<Filter> Clone() const override { return CloneAs<InFilter>(); }
  bool MayMatchBlock(EvalSource& src) const override {
    if (pending()) return false;
    if (!ConstMayMatch(src, [this](std::string_view v) { return set_.count(v) > 0; })) return false;
    if (values_.size() > kMaxValuesForBlockPruning) return true;
    for (const auto& toks : tokens_) {
      if (TokensMayBePresent(src, field_, toks)) return true;
    }
    return false;
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    RecentValues recent;
    ApplyToValues(src.Get(field_), bm, [&](std::string_view s) {
      return recent.Get(s, [&](std::string_view x) { return set_.count(x) > 0; });
    });
  }
  void NarrowSearch(SearchNarrowing* n) const override {
    if (field_ == "_stream_id" && !pending()) NarrowToStreamIds(values_, n);
  }

 private:
  void OnValues() override {
    set_.clear();
    tokens_.clear();
    for (const auto& v : values_) {
      set_.insert(v);
      if (values_.size() <= kMaxValuesForBlockPruning) tokens_.push_back(WordTokens(v, false));
    }
  }

  std::unordered_set<std::string_view> set_;  // views into values_
  std::vector<std::vector<std::string>> tokens_;
};

}  // namespace

std::unique_ptr<Filter> BuildIn(FilterCall& call, std::string* err) {
  if (call.star_list) return MakeMatchAllFilter();
  if (call.subquery) return std::make_unique<InFilter>(call.field, std::move(call.subquery));
  std::vector<std::string> values;
  for (auto& a : call.args) {
    if (a.star) {
      *err = "in() takes whole values, not prefixes";
      return nullptr;
    }
    values.push_back(std::move(a.value));
  }
  return std::make_unique<InFilter>(call.field, std::move(values));
}

}  // namespace vl::logsql::filters
