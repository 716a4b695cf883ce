// A ResultSink that keeps a query's output as JSON lines, for tests that compare text.
#pragma once

#include <string>

#include "vl/logsql/logsql.h"

namespace vl::logsql::test_support {

class CollectSink : public ResultSink {
 public:
  bool Write(const ResultBlock& block) override {
    AppendJsonLines(block, &text);
    return true;
  }
  std::string text;
};

}  // namespace vl::logsql::test_support
