// /select/logsql/query semantics on top of the LogsQL engine: global time range and the
// `limit` argument (N newest rows, oldest first, for queries that do not reorder rows).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "vl/common/status.h"
#include "vl/common/stream.h"
#include "vl/logsql/query.h"
#include "vl/storage/block.h"

namespace vl::select {

struct QueryRequest {
  std::string query;
  TenantID tenant;
  uint64_t limit = 0;  // 0 = no limit
  std::optional<int64_t> start;
  std::optional<int64_t> end;
  int64_t now_ns = 0;  // evaluation time for relative filters
};

// Parses the query (InvalidArgument with position on error), applies start/end/limit, and
// streams the result rows to `sink`.
Status RunQuery(const Searchable& data, const QueryRequest& request, logsql::ResultSink& sink,
                const std::atomic<bool>* cancelled);

}  // namespace vl::select
