// Internal: `copy` and `rename` share their syntax (`a as b, c* as d*, * as p.*, a* as *`) and
// their name mapping; rename also drops the source.
#pragma once

#include "pipe_util.h"

namespace vl::logsql::pipes {

struct FieldMapping {
  std::string src;  // `a` or a prefix pattern `a*`
  std::string dst;  // `b` or `b*` (the matched rest of the name is appended)
};

class CopyRenamePipe final : public Pipe {
 public:
  CopyRenamePipe(bool rename, std::vector<FieldMapping> pairs) : rename_(rename), pairs_(std::move(pairs)) {}
  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<CopyRenamePipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override;
  bool IsRowWise() const override { return true; }
  ResultBlock Apply(ResultBlock&& block) const override;

  static std::unique_ptr<Pipe> Parse(parser_internal::Parser& p, bool rename);

 private:
  bool rename_;
  std::vector<FieldMapping> pairs_;
};

}  // namespace vl::logsql::pipes
