#include "vl/logsql/split.h"

#include "pipes/pipes.h"

namespace vl::logsql {

SplitQuery Split(const Query& query) {
  SplitQuery out;
  std::vector<std::unique_ptr<Pipe>> remote;
  bool pushdown = true;
  for (const auto& p : query.pipes()) {
    if (!pushdown) {
      out.local.push_back(p->Clone());
      continue;
    }
    PipeSplit s = p->Split();
    if (s.remote) remote.push_back(std::move(s.remote));
    if (s.local) out.local.push_back(std::move(s.local));
    pushdown = !s.stops_pushdown;
  }
  // Nodes send only the columns the router's pipes read.
  if (!out.local.empty()) {
    NeededFields needed;
    for (size_t i = out.local.size(); i-- > 0;) out.local[i]->UpdateNeeded(&needed);
    if (!needed.all() && !PipeAs<StatsPipe>(*out.local.front())) {
      std::vector<std::string> keep = needed.patterns();
      if (keep.empty()) keep.push_back("_time");  // a column, so that rows still count
      remote.push_back(std::make_unique<FieldsPipe>(std::move(keep)));
    }
  }
  out.remote = std::make_unique<Query>(query.filter().Clone(), std::move(remote));
  return out;
}

}  // namespace vl::logsql
