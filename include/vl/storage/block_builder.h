// Turns rows of one stream, sorted by time, into columnar blocks for PartWriter::AddBlock.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vl/common/status.h"
#include "vl/storage/part.h"
#include "vl/storage/row_batch.h"

namespace vl::storage {

// Reused across streams and blocks so that its buffers are allocated once per flush.
class BlockBuilder {
 public:
  using Emit = std::function<Status(const BlockInput&)>;
  // Calls emit once per block of at most kMaxBlockRows rows and about kMaxBlockBytes of values.
  // The BlockInput views point into the rows' payloads.
  Status Build(std::span<const RowRef> rows, const Emit& emit);

 private:
  struct FieldView {
    std::string_view name, value;
  };
  // Reads the fields of the rows that fit one block; returns how many rows it took.
  size_t CollectFields(std::span<const RowRef> rows);
  // Assigns every non-empty field a column and fills in_ (names sorted, as the format wants).
  void BuildColumns(std::span<const RowRef> rows);

  std::vector<FieldView> fields_;     // fields of the block's rows, row after row
  std::vector<uint32_t> row_start_;   // row r's fields are [row_start_[r], row_start_[r + 1])
  std::vector<uint32_t> field_col_;   // column of each field; kNone for empty values
  std::unordered_map<std::string_view, uint32_t> col_of_;
  std::vector<std::string_view> col_names_;  // in first-seen order
  std::vector<uint32_t> order_, rank_;
  BlockInput in_;
};

}  // namespace vl::storage
