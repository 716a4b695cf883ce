#include "vl/logsql/split.h"

namespace vl::logsql {

PipeSplit SplitPipe(const PipeSpec& pipe) {
  PipeSplit s;
  switch (pipe.kind) {
    case PipeKind::kFilter:
    case PipeKind::kFields:
      // Row-wise: each node applies it to its own rows, nothing left for the router.
      s.remote = pipe.Clone();
      break;
    case PipeKind::kLimit:
      // Any N rows of the union are a valid answer; each node need not send more than N.
      s.remote = pipe.Clone();
      s.local = pipe.Clone();
      s.stops_pushdown = true;
      break;
    case PipeKind::kSort:
      // Top offset+limit per node contains the global top; the router sorts again and skips.
      if (pipe.sort_limit > 0) {
        s.remote = pipe.Clone();
        s.remote->sort_limit = pipe.sort_limit + pipe.sort_offset;
        s.remote->sort_offset = 0;
      }
      s.local = pipe.Clone();
      s.stops_pushdown = true;
      break;
    case PipeKind::kStats:
      // Nodes ship mergeable per-group states. A router receiving partial-state requests from
      // an upper router (kRemote) merges its children's states and re-exports them (kProxy).
      s.remote = pipe.Clone();
      s.remote->stats_mode = StatsMode::kRemote;
      s.local = pipe.Clone();
      s.local->stats_mode = pipe.stats_mode == StatsMode::kRemote ? StatsMode::kProxy : StatsMode::kLocal;
      s.stops_pushdown = true;
      break;
    case PipeKind::kOffset:
      // Which rows are skipped depends on all nodes' rows.
      s.local = pipe.Clone();
      s.stops_pushdown = true;
      break;
  }
  return s;
}

SplitQuery Split(const Query& query) {
  SplitQuery out;
  std::vector<std::unique_ptr<PipeSpec>> remote;
  bool pushdown = true;
  for (const auto& p : query.pipes()) {
    if (!pushdown) {
      out.local.push_back(p->Clone());
      continue;
    }
    PipeSplit s = SplitPipe(*p);
    if (s.remote) remote.push_back(std::move(s.remote));
    if (s.local) out.local.push_back(std::move(s.local));
    pushdown = !s.stops_pushdown;
  }
  out.remote = std::make_unique<Query>(query.filter().Clone(), std::move(remote));
  return out;
}

}  // namespace vl::logsql
