// The bookkeeping every record-based parser shares: records stored, failed (with the first
// max_kept_errors reasons kept for the driver to log) and too long, and the step that turns a
// record's fields into a stored row.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vl/insert/body_parser.h"
#include "vl/insert/row_builder.h"
#include "vl/insert/row_limits.h"
#include "vl/insert/row_store.h"

namespace vl::insert {

class CountingParser : public BodyParser {
 public:
  std::vector<LineError> TakeErrors() final { return std::exchange(errors_, {}); }
  const LineError& last_error() const final { return last_error_; }
  uint64_t records_ok() const final { return ok_; }
  uint64_t records_failed() const final { return failed_; }
  uint64_t too_long_lines() const final { return too_long_; }

 protected:
  CountingParser(RowWriter* sink, size_t max_kept_errors) : sink_(sink), max_kept_errors_(max_kept_errors) {}

  // Record `record_no` (a line or entry number) is skipped for `reason`.
  void AddError(uint64_t record_no, std::string reason) {
    ++failed_;
    last_error_ = LineError{record_no, std::move(reason)};
    if (errors_.size() < max_kept_errors_) errors_.push_back(last_error_);
  }
  void CountTooLong() { ++too_long_; }

  // Builds a row from `fields` (RowBuilder::Build) and appends it. A record over the ingestion
  // limits is dropped and counted (row_limits.h) and OK is returned; another error is returned
  // for the caller to report. `where()` names the record, and is only called for a message.
  template <typename Where>
  Status AppendRow(RowBuilder& builder, std::vector<FieldView>& fields, int64_t now_ns, const Where& where) {
    RowView row;
    RowLimit limit = RowLimit::kNone;
    Status s = builder.Build(fields, now_ns, &row, &limit);
    if (s.ok()) {
      sink_->Append(row);
      ++ok_;
      return s;
    }
    if (limit == RowLimit::kNone) return s;
    ReportDroppedRow(limit, where() + ": " + s.message());
    return Status::OK();
  }

 private:
  RowWriter* sink_;
  size_t max_kept_errors_;
  std::vector<LineError> errors_;
  LineError last_error_;
  uint64_t ok_ = 0, failed_ = 0, too_long_ = 0;
};

}  // namespace vl::insert
