// `sample N`: keeps about one row in N, picked at random.
#include <random>

#include "pipe_util.h"

namespace vl::logsql::pipes {
namespace {

class SamplePipe final : public Pipe {
 public:
  explicit SamplePipe(uint64_t n) : n_(n) {}
  std::string String() const override { return "sample " + std::to_string(n_); }
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<SamplePipe>(*this); }
  void UpdateNeeded(NeededFields*) const override {}
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& b) const override {
    if (n_ <= 1) return std::move(b);
    thread_local std::mt19937_64 rng(std::random_device{}());
    Bitmap keep(b.rows, 0);
    for (size_t r = 0; r < b.rows; ++r) keep[r] = rng() % n_ == 0;
    return SelectRows(b, keep);
  }

 private:
  uint64_t n_;
};

}  // namespace

std::unique_ptr<Pipe> ParseSample(parser_internal::Parser& p) {
  uint64_t n = 0;
  if (!p.ReadUint(&n) || n == 0) return p.FailNull(p.Unexpected(), "a sampling rate N > 0");
  return std::make_unique<SamplePipe>(n);
}

}  // namespace vl::logsql::pipes
