// `collapse_nums [if (...)] [at field] [prettify]`: numbers (decimal, hex, durations' digits...)
// become `<N>`; with prettify also `<UUID>`, `<IP4>`, `<TIME>`, `<DATE>`, `<DATETIME>`.
#include "pipe_util.h"
#include "text_funcs.h"

namespace vl::logsql::pipes {
namespace {

class CollapseNumsPipe final : public Pipe {
 public:
  CollapseNumsPipe(PipeCondition cond, std::string field, bool prettify)
      : cond_(std::move(cond)), field_(std::move(field)), prettify_(prettify) {}
  std::string String() const override {
    std::string s = "collapse_nums" + cond_.String();
    if (field_ != "_msg") s += " at " + FieldPatternString(field_);
    if (prettify_) s += " prettify";
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<CollapseNumsPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    needed->Add(field_);
    cond_.AddNeeded(needed);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    if (!b.Find(field_)) return std::move(b);
    TransformField(&b, field_, cond_, [&](std::string_view v, std::string* out) { CollapseNums(v, prettify_, out); });
    return std::move(b);
  }

 private:
  PipeCondition cond_;
  std::string field_;
  bool prettify_;
};

}  // namespace

std::unique_ptr<Pipe> ParseCollapseNums(parser_internal::Parser& p) {
  PipeCondition cond;
  if (!cond.Parse(p)) return nullptr;
  std::string field = "_msg";
  bool prettify = false;
  while (!AtPipeEnd(p)) {
    if (p.Cur().IsKeyword("at")) {
      p.Next();
      if (!p.ReadFieldName(&field)) return p.FailNull(p.Unexpected(), "field name after at");
    } else if (p.Cur().IsKeyword("prettify")) {
      p.Next();
      prettify = true;
    } else {
      return p.FailNull(p.Unexpected(), "at, prettify or '|'");
    }
  }
  return std::make_unique<CollapseNumsPipe>(std::move(cond), std::move(field), prettify);
}

}  // namespace vl::logsql::pipes
