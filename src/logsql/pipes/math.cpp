// `math expr1 [as] r1, expr2 [as] r2, ...` (`eval`): numeric expressions over fields (see
// math_expr.h); later expressions may use earlier results. Results also carry their numbers,
// so stats and sort after math parse no text.
#include <cmath>

#include "vl/common/time_util.h"
#include "math_expr.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

struct MathEntry {
  std::shared_ptr<const MathExpr> expr;
  std::string result;
};

class MathPipe final : public Pipe {
 public:
  explicit MathPipe(std::vector<MathEntry> entries) : entries_(std::move(entries)) {}
  std::string String() const override {
    std::string s = "math ";
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (i) s += ", ";
      s += entries_[i].expr->EntryString(entries_[i].result);
    }
    return s;
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<MathPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override {
    for (size_t i = entries_.size(); i-- > 0;) {
      needed->Remove(entries_[i].result);
      for (const auto& f : entries_[i].expr->fields()) needed->Add(f);
    }
    needed->numbers = true;
  }
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    // Numbers of the fields read so far, and of the results computed in this block.
    std::vector<std::pair<std::string, std::vector<double>>> numbers;
    auto numbers_of = [&](const std::string& field) -> const double* {
      for (const auto& [name, v] : numbers) {
        if (name == field) return v.data();
      }
      std::vector<double> v(b.rows, std::nan(""));
      if (const ResultColumn* c = b.Find(field)) {
        if (c->type() == ResultColumn::Type::kTimestamps) {
          for (size_t r = 0; r < b.rows; ++r) v[r] = static_cast<double>(c->timestamps()[r]);
        } else if (c->type() == ResultColumn::Type::kConst) {
          std::fill(v.begin(), v.end(), MathValue(c->const_value()));
        } else if (const double* nums = c->numbers()) {
          std::copy(nums, nums + b.rows, v.begin());
        } else {
          for (size_t r = 0; r < b.rows; ++r) v[r] = MathValue(c->at(r));
        }
      }
      numbers.emplace_back(field, std::move(v));
      return numbers.back().second.data();
    };
    std::string text;
    for (const auto& e : entries_) {
      std::vector<const double*> inputs;
      for (const auto& f : e.expr->fields()) inputs.push_back(numbers_of(f));
      std::vector<double> out(b.rows);
      e.expr->Eval(inputs, b.rows, out.data());
      StringsBuilder sb(b.rows);
      for (double v : out) {
        text.clear();
        AppendMathResult(v, &text);
        sb.Add(text);
      }
      ResultColumn col = sb.Build(e.result);
      col.SetNumbers(out);
      PutColumn(&b, std::move(col));
      std::erase_if(numbers, [&](const auto& n) { return n.first == e.result; });
      numbers.emplace_back(e.result, std::move(out));
    }
    return std::move(b);
  }

 private:
  std::vector<MathEntry> entries_;
};

}  // namespace

std::unique_ptr<Pipe> ParseMath(parser_internal::Parser& p) {
  std::vector<MathEntry> entries;
  while (true) {
    if (p.AtEnd()) return p.FailNull(p.Unexpected(), "math expression");
    const size_t start = p.Cur().pos;
    size_t consumed = 0;
    auto expr = MathExpr::Parse(p.text().substr(start), &consumed);
    if (!expr.ok()) {
      p.SkipToByte(start + consumed);
      return p.FailNull("cannot parse math expression: " + expr.status().message(), "math expression");
    }
    p.SkipToByte(start + consumed);
    MathEntry e;
    e.expr = std::move(expr.value());
    if (p.Cur().IsKeyword("as")) p.Next();
    if (!AtPipeEnd(p) && !p.Cur().IsPunct(",")) {
      if (!p.ReadFieldName(&e.result)) return p.FailNull(p.Unexpected(), "result field name");
    } else {
      e.result = e.expr->String();
    }
    entries.push_back(std::move(e));
    if (!p.Cur().IsPunct(",")) break;
    p.Next();
  }
  return std::make_unique<MathPipe>(std::move(entries));
}

}  // namespace vl::logsql::pipes
