// `extract [if (...)] "text<name>text<_>..." [from field] [keep_original_fields |
// skip_empty_results]`: fields from a pattern (see extract_pattern.h); a row the pattern does
// not match gets them empty.
#include "extract_pattern.h"
#include "vl/logsql/lexer.h"
#include "unpack_common.h"

namespace vl::logsql::pipes {
namespace {

class ExtractPipe final : public Pipe {
 public:
  ExtractPipe(ExtractPattern pattern, UnpackOptions opts) : pattern_(std::move(pattern)), opts_(std::move(opts)) {}
  std::string String() const override {
    return "extract" + opts_.condition.String() + " " + QuoteLogsql(pattern_.text()) + opts_.String();
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<ExtractPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    if (!opts_.keep_original_fields && !opts_.skip_empty_results && !opts_.condition.present()) {
      for (const auto& f : pattern_.fields()) needed->Remove(f);
    }
    opts_.AddNeeded(needed);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = opts_.condition.Rows(b);
    const ResultColumn* in = b.Find(opts_.from);
    UnpackWriter w(b, opts_);
    std::vector<std::string_view> vals;
    std::string scratch;
    for (size_t r = 0; r < b.rows; ++r) {
      if (!rows[r]) continue;
      pattern_.Match(ValueAt(in, r), &vals, &scratch);
      for (size_t i = 0; i < vals.size(); ++i) w.Set(r, pattern_.fields()[i], vals[i]);
    }
    w.Finish(&b);
    return std::move(b);
  }

 private:
  ExtractPattern pattern_;
  UnpackOptions opts_;
};

}  // namespace

std::unique_ptr<Pipe> ParseExtract(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  if (p.Cur().kind != Token::Kind::kQuoted) return p.FailNull(p.Unexpected(), "quoted extract pattern");
  auto pattern = ExtractPattern::Parse(p.Cur().text);
  if (!pattern.ok()) return p.FailNull("invalid extract pattern: " + pattern.status().message(), "valid pattern");
  p.Next();
  if (!opts.ParseTrailing(p, UnpackOptions::kFrom | UnpackOptions::kKeep | UnpackOptions::kSkipEmpty)) return nullptr;
  return std::make_unique<ExtractPipe>(std::move(pattern.value()), std::move(opts));
}

}  // namespace vl::logsql::pipes
