#include "vl/logsql/split.h"

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
  out.remote = std::make_unique<Query>(query.filter().Clone(), std::move(remote));
  return out;
}

}  // namespace vl::logsql
