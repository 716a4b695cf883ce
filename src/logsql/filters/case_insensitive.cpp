// `i(word)`, `i("a phrase")`, `i(pref*)`: word, phrase or prefix matching, ignoring case
// (ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic letters; see LowerInto).
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class CaseInsensitiveFilter final : public FieldFilter {
 public:
  // `lowered` is already lowercase.
  CaseInsensitiveFilter(std::string field, std::string lowered, bool prefix)
      : FieldFilter(std::move(field)), text_(std::move(lowered)), prefix_(prefix) {}
  std::string_view kind() const override { return "case_insensitive"; }
  std::string String() const override {
    return FieldPrefix(field_) + "i(" + QuoteIfNeeded(text_) + (prefix_ ? "*" : "") + ")";
  }
  std::unique_ptr<Filter> Clone() const override {
    return std::make_unique<CaseInsensitiveFilter>(field_, text_, prefix_);
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    const std::string_view t = text_;
    std::string buf;
    RecentValues recent;
    const bool prefix = prefix_;
    ApplyToValues(src.Get(field_), bm, [&](std::string_view s) {
      return recent.Get(s, [&](std::string_view x) {
        std::string_view lower = LowerInto(x, &buf);
        return prefix ? MatchPrefix(lower, t) : MatchPhrase(lower, t);
      });
    });
  }

 private:
  std::string text_;
  bool prefix_;
};

}  // namespace

std::unique_ptr<Filter> BuildCaseInsensitive(FilterCall& call, std::string* err) {
  if (call.args.size() != 1) {
    *err = "i() takes one value";
    return nullptr;
  }
  const FilterArg& a = call.args[0];
  if (a.value.empty() && !a.star) return MakeEmptyValueFilter(call.field);
  if (a.value.empty()) return call.field == "_msg" ? MakeMatchAllFilter() : MakeAnyValueFilter(call.field);
  std::string lowered;
  LowerInto(a.value, &lowered);
  return std::make_unique<CaseInsensitiveFilter>(call.field, std::move(lowered), a.star);
}

}  // namespace vl::logsql::filters
