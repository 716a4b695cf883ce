// Where parsed rows go: local storage on a single node, storage nodes on a cluster router.
// Every ingestion protocol hands its rows to a RowStore, so all of them work in both roles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "vl/common/row_view.h"
#include "vl/common/status.h"

namespace vl::insert {

// Collects the rows of one request in their destination format; used by one thread.
class RowWriter {
 public:
  virtual ~RowWriter() = default;
  // Copies the row in: its views may die right after the call.
  virtual void Append(const RowView& row) = 0;
  // Rows appended since the last Commit().
  virtual size_t pending_rows() const = 0;
  // OK only once every appended row is durably stored (locally or on some storage node);
  // `*accepted` grows by the rows kept (a node drops rows outside its retention window).
  // Unavailable when no destination can take the rows (-> 503, the client may retry).
  virtual Status Commit(uint64_t* accepted) = 0;
};

class RowStore {
 public:
  virtual ~RowStore() = default;
  virtual std::unique_ptr<RowWriter> NewWriter() = 0;
};

}  // namespace vl::insert
