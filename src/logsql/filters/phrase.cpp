// Word and phrase filters: `error`, `"ssh: login fail"`, `field:"a b"`.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class PhraseFilter final : public FieldFilter {
 public:
  PhraseFilter(std::string field, std::string phrase)
      : FieldFilter(std::move(field)), phrase_(std::move(phrase)), tokens_(WordTokens(phrase_, false)) {}
  std::string_view kind() const override { return "phrase"; }
  std::string String() const override { return FieldPrefix(field_) + QuoteIfNeeded(phrase_); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<PhraseFilter>(field_, phrase_); }
  bool Match(std::string_view s) const { return MatchPhrase(s, phrase_); }
  bool MayMatchBlock(EvalSource& src) const override {
    return TokensMayBePresent(src, field_, tokens_) && ConstMayMatch(src, [this](std::string_view v) { return Match(v); });
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (!MayMatchBlock(src)) return ClearAll(bm);
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) { return Match(s); });
  }
  void NarrowSearch(SearchNarrowing* n) const override {
    // A stream id is a single word: the phrase must be the whole value.
    if (field_ == "_stream_id") NarrowToStreamIds(std::vector<std::string>{phrase_}, n);
  }

 private:
  std::string phrase_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Filter> MakePhraseFilter(std::string field, std::string phrase) {
  if (phrase.empty()) return MakeEmptyValueFilter(std::move(field));
  return std::make_unique<PhraseFilter>(std::move(field), std::move(phrase));
}

}  // namespace vl::logsql::filters
