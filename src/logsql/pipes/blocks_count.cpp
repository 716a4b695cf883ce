// `blocks_count [as name]`: how many blocks of rows reached the pipe (storage blocks, as read).
// In a cluster the nodes count theirs and the router sums them.
#include "vl/logsql/lexer.h"
#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class BlocksCountProcessor : public Processor {
 public:
  BlocksCountProcessor(std::string name, Processor* next) : name_(std::move(name)), next_(next) {}
  bool Push(ResultBlock&& b) override {
    if (b.rows > 0) ++blocks_;
    return true;
  }
  bool Flush() override {
    if (blocks_ > 0) {
      ResultBlock out;
      out.rows = 1;
      out.columns.push_back(ResultColumn::Const(name_, std::to_string(blocks_), 1));
      next_->Push(std::move(out));
    }
    return next_->Flush();
  }

 private:
  std::string name_;
  Processor* next_;
  uint64_t blocks_ = 0;
};

class BlocksCountPipe final : public Pipe {
 public:
  explicit BlocksCountPipe(std::string name) : name_(std::move(name)) {}
  std::string String() const override {
    return name_ == "blocks_count" ? "blocks_count" : "blocks_count as " + QuoteIfNeeded(name_);
  }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<BlocksCountPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override { needed->SetOnly({}); }
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory*) const override {
    return std::make_unique<BlocksCountProcessor>(name_, next);
  }
  PipeSplit Split() const override {
    PipeSplit s;
    s.remote = Clone();
    s.local = ParsePipeText("stats sum(" + QuoteIfNeeded(name_) + ") as " + QuoteIfNeeded(name_));
    s.stops_pushdown = true;
    return s;
  }

 private:
  std::string name_;
};

}  // namespace

std::unique_ptr<Pipe> ParseBlocksCount(parser_internal::Parser& p) {
  std::string name = "blocks_count";
  if (p.Cur().IsKeyword("as")) p.Next();
  if (!AtPipeEnd(p) && !p.ReadFieldName(&name)) return p.FailNull(p.Unexpected(), "result field name");
  return std::make_unique<BlocksCountPipe>(std::move(name));
}

}  // namespace vl::logsql::pipes
