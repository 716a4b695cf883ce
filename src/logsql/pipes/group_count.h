// Internal: `top`, `uniq` and `field_values` count rows per distinct tuple of fields. They run a
// `stats by (fields) count() as hits` underneath, so in a cluster the nodes send partial counts
// (`stats_remote ...`, which routers in between merge like any stats) and the router finishes:
// top orders by hits and keeps N, uniq and field_values apply their limit.
#pragma once

#include "pipe_util.h"

namespace vl::logsql::pipes {

class GroupCountPipe final : public Pipe {
 public:
  enum class Kind { kTop, kUniq, kFieldValues };

  GroupCountPipe(Kind kind, std::vector<std::string> fields, uint64_t limit, std::string hits_name, bool with_hits,
                 std::string rank_name);

  // `uniq by (x)` without hits: the field x, else "".
  std::string UniqSingleField() const {
    return kind_ == Kind::kUniq && fields_.size() == 1 && !with_hits_ && limit_ == 0 ? fields_[0] : "";
  }

  std::string String() const override;
  std::unique_ptr<Pipe> Clone() const override { return std::make_unique<GroupCountPipe>(*this); }
  void UpdateNeeded(NeededFields* needed) const override;
  std::unique_ptr<Processor> MakeProcessor(Processor* next, QueryMemory* memory) const override;
  PipeSplit Split() const override;

 private:
  Kind kind_;
  std::vector<std::string> fields_;
  uint64_t limit_;         // top: N (default 10); uniq / field_values: 0 = none
  std::string hits_name_;  // `hits`, with `s` appended while it clashes with a field
  bool with_hits_;
  std::string rank_name_;  // top only
  bool merge_ = false;     // the router's half: input rows are partial counts
  std::shared_ptr<const StatsPipe> counts_;
};

}  // namespace vl::logsql::pipes
