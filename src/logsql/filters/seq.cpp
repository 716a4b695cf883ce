// `seq("a", "b c")`: the phrases occur in this order, each after the end of the previous one
// (token boundaries as for the phrase filter). Empty phrases are dropped; `seq()` matches all.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class SeqFilter final : public FieldFilter {
 public:
  SeqFilter(std::string field, std::vector<std::string> phrases)
      : FieldFilter(std::move(field)), phrases_(std::move(phrases)) {
    for (const auto& p : phrases_) {
      auto t = WordTokens(p, false);
      tokens_.insert(tokens_.end(), t.begin(), t.end());
    }
  }
  std::string_view kind() const override { return "seq"; }
  std::string String() const override {
    std::string out = FieldPrefix(field_) + "seq(";
    for (size_t i = 0; i < phrases_.size(); ++i) out += (i ? "," : "") + QuoteIfNeeded(phrases_[i]);
    return out + ")";
  }
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
  for (auto& a : call.args) {
    if (a.star) {
      *err = "seq() takes words and phrases, not prefixes";
      return nullptr;
    }
    if (!a.value.empty()) phrases.push_back(std::move(a.value));
  }
  return std::make_unique<SeqFilter>(call.field, std::move(phrases));
}

}  // namespace vl::logsql::filters
