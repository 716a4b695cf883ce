// Internal: filter evaluation over a block of pipe results (`filter` pipes, `if (...)`).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "vl/logsql/eval_source.h"
#include "vl/logsql/result.h"

namespace vl::logsql {

class ResultBlockSource : public EvalSource {
 public:
  explicit ResultBlockSource(const ResultBlock& b) : b_(b) {}
  size_t rows() const override { return b_.rows; }
  FieldValues Get(std::string_view field) override;
  const int64_t* timestamps() override;
  const StreamTags* stream_tags() override { return nullptr; }

 private:
  const ResultBlock& b_;
  std::unordered_map<std::string, std::vector<std::string_view>> cache_;
  std::vector<int64_t> ts_;
};

}  // namespace vl::logsql
