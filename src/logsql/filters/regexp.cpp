// `~"re"`, `field:~"re"`, `re("re")`: RE2, unanchored (a match anywhere in the value).
#include <re2/re2.h>

#include "filters.h"
#include "filter_util.h"
#include "regexp_literals.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class RegexpFilter final : public FieldFilter {
 public:
  RegexpFilter(std::string field, std::string pattern, std::shared_ptr<const re2::RE2> re)
      : FieldFilter(std::move(field)), pattern_(std::move(pattern)), re_(std::move(re)),
        literal_(pattern_.find_first_of("\\.^$|?*+()[]{}") == std::string::npos) {
    const std::vector<std::string> runs = RequiredLiterals(pattern_);
    for (const auto& r : runs) {
      if (r.size() > longest_.size()) longest_ = r;
    }
    words_ = RequiredWords(runs);
  }
  std::string_view kind() const override { return "regexp"; }
  std::string String() const override { return FieldPrefix(field_) + "~" + QuoteLogsql(pattern_); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<RegexpFilter>(field_, pattern_, re_); }
  bool Match(std::string_view s) const {
    if (literal_) return s.find(pattern_) != std::string_view::npos;
    // A literal every match contains is looked for first: most values fail there, cheaply.
    if (!longest_.empty() && s.find(longest_) == std::string_view::npos) return false;
    return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re_);
  }
  bool MayMatchBlock(EvalSource& src) const override {
    return TokensMayBePresent(src, field_, words_) && ConstMayMatch(src, [this](std::string_view v) { return Match(v); });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    if (literal_) {
      // A pattern without metacharacters is a substring search (`~"ampl"`): no regexp engine.
      const std::string_view lit = pattern_;
      ApplyToValues(src.Get(field_), bm, [lit](std::string_view s) { return s.find(lit) != std::string_view::npos; });
      return;
    }
    RecentValues recent;
    ApplyToValues(src.Get(field_), bm, [&](std::string_view s) {
      return recent.Get(s, [this](std::string_view x) { return Match(x); });
    });
  }

 private:
  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;
  bool literal_;  // no metacharacters: the pattern matches itself only
  std::string longest_;                // the longest literal run every match contains
  std::vector<std::string> words_;     // whole words every match contains (bloom filters)
};

}  // namespace

std::unique_ptr<Filter> MakeRegexpFilter(std::string field, std::string pattern, std::string* err) {
  // Spec §3 rewrites: `~""` and `~".*"` match everything, `~".+"` any non-empty value.
  if (pattern.empty() || pattern == ".*") return MakeMatchAllFilter();
  if (pattern == ".+") return MakeAnyValueFilter(std::move(field));
  auto re = CompileRegexp(pattern, err);
  if (!re) {
    *err = "invalid regexp \"" + pattern + "\": " + *err;
    return nullptr;
  }
  return std::make_unique<RegexpFilter>(std::move(field), std::move(pattern), std::move(re));
}

std::unique_ptr<Filter> BuildRegexp(FilterCall& call, std::string* err) {
  if (call.args.size() != 1 || call.args[0].star) {
    *err = "re() takes one regexp";
    return nullptr;
  }
  return MakeRegexpFilter(call.field, std::move(call.args[0].value), err);
}

}  // namespace vl::logsql::filters
