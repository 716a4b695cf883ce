// `decolorize [field]` (default `_msg`): strips ANSI color escape sequences.
#include "pipe_util.h"
#include "text_funcs.h"

namespace vl::logsql::pipes {
namespace {

class DecolorizePipe final : public Pipe {
 public:
  explicit DecolorizePipe(std::string field) : field_(std::move(field)) {}
  std::string String() const override { return field_ == "_msg" ? "decolorize" : "decolorize " + FieldPatternString(field_); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<DecolorizePipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { needed->Add(field_); }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    if (!b.Find(field_)) return std::move(b);
    TransformField(&b, field_, PipeCondition(), [](std::string_view v, std::string* out) { Decolorize(v, out); });
    return std::move(b);
  }

 private:
  std::string field_;
};

}  // namespace

std::unique_ptr<Pipe> ParseDecolorize(parser_internal::Parser& p) {
  std::string field = "_msg";
  if (!AtPipeEnd(p) && !p.ReadFieldName(&field)) return p.FailNull(p.Unexpected(), "field name");
  return std::make_unique<DecolorizePipe>(std::move(field));
}

}  // namespace vl::logsql::pipes
