// `field:value_type(uint64)`: how the field is stored in the block (`const`, `dict`, `string`,
// `uint8`, `uint16`, `uint32`, `uint64`, `int64`, `float64`, `ipv4`, `iso8601`). Blocks
// without the field never match.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

class ValueTypeFilter final : public FieldFilter {
 public:
  ValueTypeFilter(std::string field, std::string type) : FieldFilter(std::move(field)), type_(std::move(type)) {}
  std::string_view kind() const override { return "value_type"; }
  std::string String() const override { return FieldPrefix(field_) + "value_type(" + QuoteIfNeeded(type_) + ")"; }
  std::unique_ptr<Filter> Clone() const override { return std::make_unique<ValueTypeFilter>(field_, type_); }
  bool MayMatchBlock(EvalSource& src) const override {
    std::string_view t = src.ColumnType(field_);
    return t.empty() || t == type_;
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (src.ColumnType(field_) != type_) ClearAll(bm);
  }

 private:
  std::string type_;
};

}  // namespace

std::unique_ptr<Filter> BuildValueType(FilterCall& call, std::string* err) {
  if (call.args.size() != 1 || call.args[0].star) {
    *err = "value_type() takes one type name";
    return nullptr;
  }
  return std::make_unique<ValueTypeFilter>(call.field, call.args[0].value);
}

}  // namespace vl::logsql::filters
