// The row-merging half of a part merge: every stream's rows from the input parts, in time order
// (ties in input order), re-cut into blocks for a PartWriter.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "vl/common/status.h"
#include "vl/storage/part.h"

namespace vl::storage {

// Writes the rows of `in` into `w` (which must have begun), stream by stream. Rows move in runs:
// a run is every consecutive row of one input block that sorts before the other inputs' next
// rows, and its values are copied as views into the input blocks, which stay loaded until their
// output block is written. Returns Cancelled when *stop becomes true.
Status MergePartRows(const std::vector<std::shared_ptr<Part>>& in, PartWriter* w,
                     const std::atomic<bool>* stop);

}  // namespace vl::storage
