// Where parsed rows go: local storage on a single node, storage nodes on a cluster router.
// Every ingestion protocol hands its rows to a RowStore, so all of them work in both roles.
#pragma once

#include <cstdint>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/status.h"

namespace vl::insert {

class RowStore {
 public:
  virtual ~RowStore() = default;
  // OK only once every row is durably stored (locally or on some storage node). `accepted`
  // counts rows kept (a node may drop rows outside its retention window).
  // Unavailable when no destination can take the rows (-> 503, the client may retry).
  virtual Status Add(std::vector<LogRow> rows, uint64_t* accepted) = 0;
};

}  // namespace vl::insert
