// `union (<query>)`: the rows of the query so far, then all rows of another query (UNION ALL).
// The other query runs first, over the whole cluster on a router; this pipe runs on the router.
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class UnionProcessor : public Processor {
 public:
  UnionProcessor(std::shared_ptr<const std::vector<ResultBlock>> rows, Processor* next) : rows_(std::move(rows)), next_(next) {}
  bool Push(ResultBlock&& b) override { return next_->Push(std::move(b)); }
  bool Flush() override {
    if (rows_) {
      for (const auto& b : *rows_) {
        if (!next_->Push(ResultBlock(b))) break;
      }
    }
    return next_->Flush();
  }

 private:
  std::shared_ptr<const std::vector<ResultBlock>> rows_;
  Processor* next_;
};

class UnionPipe final : public Pipe {
 public:
  explicit UnionPipe(std::unique_ptr<Query> sub) : sub_(std::move(sub)) {}
  UnionPipe(const UnionPipe& o) : Pipe(o), sub_(o.sub_->Clone()), rows_(o.rows_) {}
  std::string String() const override { return "union (" + sub_->ToString() + ")"; }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<UnionPipe>(*this); }
  void UpdateNeeded(NeededFields*) const override {}
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory*) const override {
    return std::make_unique<UnionProcessor>(rows_, next);
  }
  Query* pending_subquery() override { return rows_ ? nullptr : sub_.get(); }
  void SetSubqueryRows(std::vector<ResultBlock> rows) override {
    rows_ = std::make_shared<const std::vector<ResultBlock>>(std::move(rows));
  }

 private:
  std::unique_ptr<Query> sub_;
  std::shared_ptr<const std::vector<ResultBlock>> rows_;  // null until the subquery ran
};

}  // namespace

std::unique_ptr<Pipe> ParseUnion(parser_internal::Parser& p) {
  if (!p.Cur().IsPunct("(")) return p.FailNull(p.Unexpected(), "'(' with the query to append");
  p.Next();
  auto sub = p.ParseSubquery(/*one_field=*/false);
  if (!sub) return nullptr;
  return std::make_unique<UnionPipe>(std::move(sub));
}

}  // namespace vl::logsql::pipes
