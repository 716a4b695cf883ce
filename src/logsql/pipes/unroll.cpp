// `unroll [if (...)] [by] (a, b)`: JSON arrays in the listed fields become one row per element
// (arrays side by side; shorter ones give empty values; a value that is not an array counts as
// an empty one, and a row whose arrays are all empty gives one row with the fields empty).
#include "pipe_util.h"
#include "text_funcs.h"

namespace vl::logsql::pipes {
namespace {

class UnrollPipe final : public Pipe {
 public:
  UnrollPipe(PipeCondition cond, std::vector<std::string> fields) : cond_(std::move(cond)), fields_(std::move(fields)) {}
  std::string String() const override { return "unroll" + cond_.String() + " by (" + FieldListString(fields_) + ")"; }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnrollPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    for (const auto& f : fields_) needed->Add(f);
    cond_.AddNeeded(needed);
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    const Bitmap rows = cond_.Rows(b);
    std::vector<const ResultColumn*> in;
    for (const auto& f : fields_) in.push_back(b.Find(f));
    std::vector<uint32_t> src;                        // output row -> input row
    std::vector<StringsBuilder> unrolled(fields_.size());
    std::vector<std::vector<std::string>> elems(fields_.size());
    for (size_t r = 0; r < b.rows; ++r) {
      if (!rows[r]) {
        src.push_back(static_cast<uint32_t>(r));
        for (size_t i = 0; i < fields_.size(); ++i) unrolled[i].Add(ValueAt(in[i], r));
        continue;
      }
      size_t n = 1;
      for (size_t i = 0; i < fields_.size(); ++i) {
        elems[i].clear();
        ParseJsonArrayStrings(ValueAt(in[i], r), &elems[i]);
        n = std::max(n, elems[i].size());
      }
      for (size_t k = 0; k < n; ++k) {
        src.push_back(static_cast<uint32_t>(r));
        for (size_t i = 0; i < fields_.size(); ++i) unrolled[i].Add(k < elems[i].size() ? elems[i][k] : "");
      }
    }
    ResultBlock out;
    out.rows = src.size();
    for (const auto& c : b.columns) {
      bool listed = false;
      for (const auto& f : fields_) listed |= f == c.name;
      if (listed) continue;
      if (c.type() == ResultColumn::Type::kConst) {
        out.columns.push_back(ResultColumn::Const(c.name, c.const_value(), out.rows));
        continue;
      }
      StringsBuilder sb(out.rows);
      for (uint32_t r : src) sb.Add(c.at(r));
      out.columns.push_back(sb.Build(c.name));
    }
    for (size_t i = 0; i < fields_.size(); ++i) PutColumn(&out, unrolled[i].Build(fields_[i]));
    return out;
  }

 private:
  PipeCondition cond_;
  std::vector<std::string> fields_;
};

}  // namespace

std::unique_ptr<Pipe> ParseUnroll(parser_internal::Parser& p) {
  PipeCondition cond;
  if (!cond.Parse(p)) return nullptr;
  if (p.Cur().IsKeyword("by")) p.Next();
  std::vector<std::string> fields;
  if (!p.ReadFieldList(&fields, p.Cur().IsPunct("("))) return nullptr;
  if (fields.empty()) return p.FailNull(p.Unexpected(), "field to unroll");
  for (const auto& f : fields) {
    if (f.back() == '*') return p.FailNull("unroll does not take wildcards (\"" + f + "\")", "field name");
  }
  return std::make_unique<UnrollPipe>(std::move(cond), std::move(fields));
}

}  // namespace vl::logsql::pipes
