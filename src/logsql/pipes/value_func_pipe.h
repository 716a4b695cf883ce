// Internal: pipes that compute one value from one field per row (`len`, `hash`,
// `json_array_len`): `name(field) [as result]`, the result defaulting to `_msg`.
#pragma once

#include "pipe_util.h"

namespace vl::logsql::pipes {

class ValueFuncPipe final : public Pipe {
 public:
  using Func = void (*)(std::string_view in, std::string* out);
  ValueFuncPipe(std::string name, Func func, std::string field, std::string result)
      : name_(std::move(name)), func_(func), field_(std::move(field)), result_(std::move(result)) {}
  std::string String() const override {
    std::string s = name_ + "(" + FieldPatternString(field_) + ")";
    if (result_ != "_msg") s += " as " + FieldPatternString(result_);
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<ValueFuncPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    needed->Remove(result_);
    needed->Add(field_);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const ResultColumn* in = b.Find(field_);
    std::string buf;
    if (!in || in->type() == ResultColumn::Type::kConst) {
      func_(ValueAt(in, 0), &buf);
      PutColumn(&b, ResultColumn::Const(result_, buf, b.rows));
      return std::move(b);
    }
    StringsBuilder out(b.rows);
    for (size_t r = 0; r < b.rows; ++r) {
      buf.clear();
      func_(in->at(r), &buf);
      out.Add(buf);
    }
    PutColumn(&b, out.Build(result_));
    return std::move(b);
  }

  static std::unique_ptr<Pipe> Parse(parser_internal::Parser& p, const char* name, Func func) {
    std::string field, result;
    if (!ParseFieldAndResult(p, &field, &result)) return nullptr;
    return std::make_unique<ValueFuncPipe>(name, func, std::move(field), std::move(result));
  }

 private:
  std::string name_;
  Func func_;
  std::string field_;
  std::string result_;
};

}  // namespace vl::logsql::pipes
