// Incremental parser of `/insert/jsonline` bodies: one JSON object per line.
#pragma once

#include "vl/insert/body_parser.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/insert/common_params.h"
#include "vl/insert/json_fields.h"
#include "vl/insert/row_builder.h"
#include "vl/insert/row_store.h"

namespace vl::insert {

using JsonLineParserOptions = ParserOptions;

class JsonLineParser : public BodyParser {
 public:
  // Rows go to `sink`, which must outlive the parser.
  JsonLineParser(CommonParams params, RowWriter* sink, JsonLineParserOptions opts = {});

  // Feeds the next piece of the (decoded) body. Complete lines are parsed right away and their
  // rows appended to the sink. Bad lines are recorded, never returned as an error.
  Status Feed(std::string_view chunk) override;
  // Parses the last line when the body does not end with '\n'. Feed() must not follow.
  Status Finish() override;
  // Moves out the kept line errors (at most max_kept_errors since the last call).
  std::vector<LineError> TakeErrors() override;
  // The most recent line error ("" reason and line 0 when none).
  const LineError& last_error() const override { return last_error_; }

  uint64_t lines_ok() const { return lines_ok_; }
  uint64_t lines_failed() const { return lines_failed_; }
  uint64_t too_long_lines() const override { return too_long_lines_; }
  uint64_t records_ok() const override { return lines_ok_; }
  uint64_t records_failed() const override { return lines_failed_; }
  // Entries dropped by a limit (RowLimit): counted and logged, not line errors.
  uint64_t rows_dropped() const { return rows_dropped_; }

 private:
  void ProcessLine(std::string_view line, int64_t now_ns);
  void AddError(std::string reason);

  RowBuilder builder_;
  RowWriter* sink_;
  JsonLineParserOptions opts_;
  JsonFieldsParser json_;
  std::vector<FieldView> fields_;
  std::vector<LineError> errors_;
  LineError last_error_;
  std::string pending_;    // start of the current incomplete line
  bool skipping_ = false;  // inside a too-long line: drop bytes up to the next '\n'
  bool finished_ = false;
  uint64_t line_no_ = 0;   // lines completed so far
  uint64_t lines_ok_ = 0;
  uint64_t lines_failed_ = 0;
  uint64_t too_long_lines_ = 0;
  uint64_t rows_dropped_ = 0;
};

}  // namespace vl::insert
