// `seq("a", "b c")`: the phrases occur in this order, each after the end of the previous one
// (token boundaries as for the phrase filter). Empty phrases are dropped; `seq()` matches all.
#include <algorithm>

#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class SeqFilter final : public FieldFilter {
 public:
  SeqFilter(std::string field, std::vector<std::string> phrases)
      : FieldFilter(std::move(field)), phrases_(std::move(phrases)), tokens_(AllWordTokens(phrases_)) {}
  std::string_view kind() const override { return "seq"; }
  std::string String() const override { return FuncString(field_, "seq", phrases_); }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<SeqFilter>(field_, phrases_); }
  bool MayMatchBlock(EvalSource& src) const override { return TokensMayBePresent(src, field_, tokens_); }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (phrases_.empty()) return;
    if (!MayMatchBlock(src)) return ClearAll(bm);
    ApplyToValues(src.Get(field_), bm, [this](std::string_view s) {
      size_t from = 0;
      for (const auto& p : phrases_) {
        const size_t pos = FindPhrase(s, p, from);
        if (pos == std::string_view::npos) return false;
        from = pos + p.size();
      }
      return true;
    });
  }

 private:
  std::vector<std::string> phrases_;
  std::vector<std::string> tokens_;
};

}  // namespace

std::unique_ptr<Filter> BuildSeq(FilterCall& call, std::string* err) {
  std::vector<std::string> phrases;
  if (!PhraseArgs(call, &phrases, err)) return nullptr;
  phrases.erase(std::remove(phrases.begin(), phrases.end(), std::string()), phrases.end());
  return std::make_unique<SeqFilter>(call.field, std::move(phrases));
}

}  // namespace vl::logsql::filters
