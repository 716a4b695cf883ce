// `offset N` (`skip`): drops the first N rows.
#include "../parser_impl.h"
#include "pipes.h"

namespace vl::logsql {

namespace {

class OffsetProcessor : public Processor {
 public:
  OffsetProcessor(uint64_t n, Processor* next) : skip_(n), next_(next) {}
  bool Push(ResultBlock&& b) override {
    if (skip_ >= b.rows) {
      skip_ -= b.rows;
      return true;
    }
    if (skip_ > 0) {
      for (auto& c : b.columns) c = c.Slice(skip_, b.rows);
      b.rows -= skip_;
      skip_ = 0;
    }
    return next_->Push(std::move(b));
  }
  bool Flush() override { return next_->Flush(); }

 private:
  uint64_t skip_;
  Processor* next_;
};

}  // namespace

std::string OffsetPipe::String() const { return "offset " + std::to_string(n_); }

std::unique_ptr<Processor> OffsetPipe::MakeProcessor(Processor* next, QueryMemory* memory) const {
  return std::make_unique<OffsetProcessor>(n_, next);
}

namespace pipes {

std::unique_ptr<Pipe> ParseOffset(parser_internal::Parser& p) {
  uint64_t n = 0;
  if (!p.ReadUint(&n)) return p.FailNull(p.Unexpected(), "number of rows to skip");
  return std::make_unique<OffsetPipe>(n);
}

}  // namespace pipes
}  // namespace vl::logsql
