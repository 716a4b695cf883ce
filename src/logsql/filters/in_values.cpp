// `field:in(a, b, ...)`: the whole value is one of the list; `in(<query>)` takes the list from
// the distinct values of a subquery's one output field, run before the outer query.
#include <unordered_set>

#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"
#include "vl/logsql/query.h"

namespace vl::logsql::filters {
namespace {

// Block pruning consults the bloom filter for every value; past this many it costs more than
// it saves.
constexpr size_t kMaxValuesForBlockPruning = 64;

class InFilter final : public FieldFilter {
 public:
  InFilter(std::string field, std::vector<std::string> values) : FieldFilter(std::move(field)) {
    SetValues(std::move(values));
  }
  InFilter(std::string field, std::unique_ptr<Query> subquery)
      : FieldFilter(std::move(field)), subquery_(std::move(subquery)) {}

  std::string_view kind() const override { return "in"; }
  std::string String() const override {
    if (subquery_) return FieldPrefix(field_) + "in(" + subquery_->ToString() + ")";
    return FuncString(field_, "in", values_);
  }
  std::unique_ptr<Filter> Clone() const override {
    if (subquery_) return std::make_unique<InFilter>(field_, subquery_->Clone());
    return std::make_unique<InFilter>(field_, values_);
  }
  bool MayMatchBlock(EvalSource& src) const override {
    if (subquery_) return true;
    if (!ConstMayMatch(src, [this](std::string_view v) { return set_.count(v) > 0; })) return false;
    if (values_.size() > kMaxValuesForBlockPruning) return true;
    for (const auto& toks : tokens_) {
      if (TokensMayBePresent(src, field_, toks)) return true;
    }
    return false;
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (subquery_ || !MayMatchBlock(src)) return ClearAll(bm);  // an unresolved subquery fails closed
    RecentValues recent;
    ApplyToValues(src.Get(field_), bm, [&](std::string_view s) {
      return recent.Get(s, [&](std::string_view x) { return set_.count(x) > 0; });
    });
  }
  void NarrowSearch(SearchNarrowing* n) const override {
    if (field_ == "_stream_id" && !subquery_) NarrowToStreamIds(values_, n);
  }
  const Query* pending_subquery() const override { return subquery_.get(); }
  Query* mutable_pending_subquery() override { return subquery_.get(); }
  void ResolveSubquery(std::vector<std::string> values) override {
    subquery_.reset();
    SetValues(std::move(values));
  }

 private:
  void SetValues(std::vector<std::string> values) {
    values_ = std::move(values);
    set_.clear();
    tokens_.clear();
    for (const auto& v : values_) {
      set_.insert(v);
      if (values_.size() <= kMaxValuesForBlockPruning) tokens_.push_back(WordTokens(v, false));
    }
  }

  std::vector<std::string> values_;
  std::unordered_set<std::string_view> set_;  // views into values_
  std::vector<std::vector<std::string>> tokens_;
  std::unique_ptr<Query> subquery_;
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
