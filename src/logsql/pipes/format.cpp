// `format [if (...)] "text<field>text<q:field>..." [as result] [keep_original_fields |
// skip_empty_results]`: builds a string from fields (see format_pattern.h); result defaults to
// `_msg`.
#include "format_pattern.h"
#include "vl/logsql/lexer.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class FormatPipe final : public Pipe {
 public:
  FormatPipe(PipeCondition cond, FormatPattern pattern, std::string result, bool keep, bool skip_empty)
      : cond_(std::move(cond)), pattern_(std::move(pattern)), result_(std::move(result)), keep_(keep), skip_empty_(skip_empty) {}
  std::string String() const override {
    std::string s = "format" + cond_.String() + " " + QuoteLogsql(pattern_.text());
    if (result_ != "_msg") s += " as " + FieldPatternString(result_);
    if (keep_) s += " keep_original_fields";
    if (skip_empty_) s += " skip_empty_results";
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<FormatPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    if (!keep_ && !skip_empty_ && !cond_.present()) needed->Remove(result_);
    else needed->Add(result_);
    for (const auto& f : pattern_.fields()) needed->Add(f);
    cond_.AddNeeded(needed);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = cond_.Rows(b);
    std::vector<const ResultColumn*> cols;
    for (const auto& f : pattern_.fields()) cols.push_back(b.Find(f));
    const ResultColumn* old = b.Find(result_);
    StringsBuilder out(b.rows);
    std::string buf;
    for (size_t r = 0; r < b.rows; ++r) {
      const std::string_view prev = ValueAt(old, r);
      if (!rows[r] || (keep_ && !prev.empty())) {
        out.Add(prev);
        continue;
      }
      buf.clear();
      pattern_.Render([&](size_t i) { return ValueAt(cols[i], r); }, &buf);
      out.Add(skip_empty_ && buf.empty() ? prev : std::string_view(buf));
    }
    PutColumn(&b, out.Build(result_));
    return std::move(b);
  }

 private:
  PipeCondition cond_;
  FormatPattern pattern_;
  std::string result_;
  bool keep_, skip_empty_;
};

}  // namespace

std::unique_ptr<Pipe> ParseFormat(parser_internal::Parser& p) {
  PipeCondition cond;
  if (!cond.Parse(p)) return nullptr;
  if (p.Cur().kind != Token::Kind::kQuoted) return p.FailNull(p.Unexpected(), "quoted format pattern");
  auto pattern = FormatPattern::Parse(p.Cur().text);
  if (!pattern.ok()) return p.FailNull("invalid format pattern: " + pattern.status().message(), "valid pattern");
  p.Next();
  std::string result = "_msg";
  bool keep = false, skip_empty = false;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("as")) {
      p.Next();
      if (!p.ReadFieldName(&result)) return p.FailNull(p.Unexpected(), "result field name");
    } else if (p.Cur().IsKeyword("keep_original_fields")) {
      p.Next();
      keep = true;
    } else if (p.Cur().IsKeyword("skip_empty_results")) {
      p.Next();
      skip_empty = true;
    } else {
      return p.FailNull(p.Unexpected(), "as, keep_original_fields, skip_empty_results or '|'");
    }
  }
  return std::make_unique<FormatPipe>(std::move(cond), std::move(pattern.value()), std::move(result), keep, skip_empty);
}

}  // namespace vl::logsql::pipes
