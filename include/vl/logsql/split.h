// Splitting a query between storage nodes and the cluster router: every pipe says (Pipe::Split)
// what part of it can run next to the data and what the router finishes.
#pragma once

#include <memory>
#include <vector>

#include "vl/logsql/pipe.h"
#include "vl/logsql/query.h"

namespace vl::logsql {

struct SplitQuery {
  // Filter plus the pushed-down pipes; its ToString() is what storage nodes receive.
  std::unique_ptr<Query> remote;
  // Run by the router over the merged stream of all nodes' result blocks.
  std::vector<std::unique_ptr<Pipe>> local;
};

// Walks pipes left to right: pipes go remote until the first pipe that needs the merged stream.
SplitQuery Split(const Query& query);

}  // namespace vl::logsql
