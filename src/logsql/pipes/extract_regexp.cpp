// `extract_regexp [if (...)] "re with (?P<name>...)" [from field] [keep_original_fields |
// skip_empty_results]`: each named group of the first match becomes a field (empty when the
// regexp does not match).
#include <re2/re2.h>

#include "vl/logsql/lexer.h"
#include "unpack_common.h"

namespace vl::logsql::pipes {
namespace {

class ExtractRegexpPipe final : public Pipe {
 public:
  ExtractRegexpPipe(std::string re, UnpackOptions opts)
      : re_text_(std::move(re)), re_(std::make_shared<RE2>(re_text_, RE2::Quiet)), opts_(std::move(opts)) {
    for (const auto& [name, idx] : re_->NamedCapturingGroups()) groups_.emplace_back(idx, name);
    std::sort(groups_.begin(), groups_.end());
  }
  bool ok() const { return re_->ok(); }
  std::string error() const { return re_->error(); }
  size_t named_groups() const { return groups_.size(); }

  std::string String() const override {
    return "extract_regexp" + opts_.condition.String() + " " + QuoteLogsql(re_text_) + opts_.String();
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<ExtractRegexpPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { opts_.AddNeeded(needed); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = opts_.condition.Rows(b);
    const ResultColumn* in = b.Find(opts_.from);
    UnpackWriter w(b, opts_);
    const int n = re_->NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<size_t>(n));
    for (size_t r = 0; r < b.rows; ++r) {
      if (!rows[r]) continue;
      const std::string_view v = ValueAt(in, r);
      const bool matched = re_->Match(re2::StringPiece(v.data(), v.size()), 0, v.size(), RE2::UNANCHORED, m.data(), n);
      for (const auto& [idx, name] : groups_) {
        const auto g = matched ? m[static_cast<size_t>(idx)] : re2::StringPiece();
        w.Set(r, name, std::string_view(g.data(), g.size()));
      }
    }
    w.Finish(&b);
    return std::move(b);
  }

 private:
  std::string re_text_;
  std::shared_ptr<const RE2> re_;
  std::vector<std::pair<int, std::string>> groups_;
  UnpackOptions opts_;
};

}  // namespace

std::unique_ptr<Pipe> ParseExtractRegexp(parser_internal::Parser& p) {
  UnpackOptions opts;
  if (!opts.condition.Parse(p)) return nullptr;
  if (p.Cur().kind != Token::Kind::kQuoted) return p.FailNull(p.Unexpected(), "quoted regexp");
  std::string re = p.Cur().text;
  p.Next();
  if (!opts.ParseTrailing(p, UnpackOptions::kFrom | UnpackOptions::kKeep | UnpackOptions::kSkipEmpty)) return nullptr;
  auto pipe = std::make_unique<ExtractRegexpPipe>(std::move(re), std::move(opts));
  if (!pipe->ok()) return p.FailNull("invalid regexp: " + pipe->error(), "valid RE2 regexp");
  if (pipe->named_groups() == 0) return p.FailNull("the regexp has no named group (?P<name>...)", "a named group");
  return pipe;
}

}  // namespace vl::logsql::pipes
