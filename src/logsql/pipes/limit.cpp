// `limit [N]` (`head`; N defaults to 10): the first N rows that arrive.
#include "../parser_impl.h"
#include "pipe_util.h"

namespace vl::logsql {

namespace {

class LimitProcessor : public Processor {
 public:
  LimitProcessor(uint64_t n, Processor* next) : remaining_(n), next_(next) {}
  bool Push(ResultBlock&& b) override {
    if (remaining_ == 0) return false;
    if (b.rows > remaining_) {
      b.rows = remaining_;
      for (auto& c : b.columns) c = c.Slice(0, remaining_);
    }
    remaining_ -= b.rows;
    const bool more = next_->Push(std::move(b));
    return more && remaining_ > 0;
  }
  bool Flush() override { return next_->Flush(); }

 private:
  uint64_t remaining_;
  Processor* next_;
};

}  // namespace

std::string LimitPipe::String() const { return "limit " + std::to_string(n_); }

std::unique_ptr<Processor> LimitPipe::MakeProcessor(Processor* next, QueryMemory* memory) const {
  return std::make_unique<LimitProcessor>(n_, next);
}

PipeSplit LimitPipe::Split() const {
  // Any N rows of the union are a valid answer; each node need not send more than N.
  PipeSplit s;
  s.remote = Clone();
  s.local = Clone();
  s.stops_pushdown = true;
  return s;
}

namespace pipes {

std::unique_ptr<Pipe> ParseLimit(parser_internal::Parser& p) {
  uint64_t n = 10;
  if (p.Cur().kind == Token::Kind::kBare && !p.Cur().IsKeyword("by") && !ReadRowCount(p, &n)) {
    return p.FailNull(p.Unexpected(), "number of rows");
  }
  return std::make_unique<LimitPipe>(n);
}

}  // namespace pipes
}  // namespace vl::logsql
