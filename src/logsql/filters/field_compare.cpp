// `a:eq_field(b)`, `a:le_field(b)`, `a:lt_field(b)`: compares two fields of the same row. A
// missing field reads as "". eq compares text; le/lt compare numerically when both values
// read as numbers (durations, sizes, timestamps, IPv4 too), else bytewise.
#include "filters.h"
#include "filter_util.h"
#include "vl/logsql/filter_range.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::filters {
namespace {

enum class FieldOp { kEq, kLe, kLt };

class FieldCompareFilter final : public FieldFilter {
 public:
  FieldCompareFilter(std::string field, std::string other, FieldOp op)
      : FieldFilter(std::move(field)), other_(std::move(other)), op_(op) {}
  std::string_view kind() const override {
    return op_ == FieldOp::kEq ? "eq_field" : op_ == FieldOp::kLe ? "le_field" : "lt_field";
  }
  std::string String() const override {
    return FieldPrefix(field_) + std::string(kind()) + "(" + QuoteIfNeeded(other_) + ")";
  }
  std::unique_ptr<Filter> Clone() const override {
    return std::make_unique<FieldCompareFilter>(field_, other_, op_);
  }
  void AppendFields(std::vector<std::string>* out) const override {
    out->push_back(field_);
    out->push_back(other_);
  }
  void Eval(EvalSource& src, Bitmap* bm) const override {
    if (field_ == other_) {
      if (op_ == FieldOp::kLt) ClearAll(bm);
      return;
    }
    const FieldValues a = src.Get(field_);
    const FieldValues b = src.Get(other_);
    uint8_t* bits = bm->data();
    for (size_t i = 0, n = bm->size(); i < n; ++i) {
      if (bits[i] && !Compare(a.at(i), b.at(i))) bits[i] = 0;
    }
  }

 private:
  bool Compare(std::string_view x, std::string_view y) const {
    if (op_ == FieldOp::kEq) return x == y;
    double nx, ny;
    if (ParseRangeNumber(x, &nx) && ParseRangeNumber(y, &ny)) return op_ == FieldOp::kLe ? nx <= ny : nx < ny;
    const int c = x.compare(y);
    return op_ == FieldOp::kLe ? c <= 0 : c < 0;
  }

  std::string other_;
  FieldOp op_;
};

std::unique_ptr<Filter> Build(FilterCall& call, std::string* err, FieldOp op) {
  if (call.args.size() != 1 || call.args[0].star || call.args[0].value.empty()) {
    *err = call.name + "() takes one field name";
    return nullptr;
  }
  return std::make_unique<FieldCompareFilter>(call.field, std::move(call.args[0].value), op);
}

}  // namespace

std::unique_ptr<Filter> BuildEqField(FilterCall& call, std::string* err) { return Build(call, err, FieldOp::kEq); }
std::unique_ptr<Filter> BuildLeField(FilterCall& call, std::string* err) { return Build(call, err, FieldOp::kLe); }
std::unique_ptr<Filter> BuildLtField(FilterCall& call, std::string* err) { return Build(call, err, FieldOp::kLt); }

}  // namespace vl::logsql::filters
