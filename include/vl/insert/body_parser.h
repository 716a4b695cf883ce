// What every ingestion protocol's parser looks like to the ingestion driver (src/http's
// HandleProtocolInsert): it is fed the decoded request body piece by piece and appends the rows
// it finds to a RowWriter. A bad record is recorded and skipped; Feed/Finish fail only when the
// body as a whole cannot be read (the protocol then answers 400).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/insert/protocol_settings.h"
#include "vl/insert/row_builder.h"

namespace vl::insert {

struct LineError {
  uint64_t line_number = 0;  // 1-based: the line (line-based protocols) or record number
  std::string reason;
};

struct ParserOptions {
  size_t max_line_size = 256 * 1024;  // -insert.maxLineSizeBytes; longer lines are skipped
  size_t max_kept_errors = 100;       // LineErrors kept between TakeErrors() calls (all are counted)
  RowBuilderOptions row_options;
  ProtocolSettings settings;  // the protocols' flags
};

class BodyParser {
 public:
  virtual ~BodyParser() = default;
  // The next piece of the decoded body.
  virtual Status Feed(std::string_view chunk) = 0;
  // The body has ended. Feed() must not follow.
  virtual Status Finish() = 0;
  // Moves out the kept record errors (at most max_kept_errors since the last call).
  virtual std::vector<LineError> TakeErrors() = 0;
  // The most recent record error ("" reason and 0 when none).
  virtual const LineError& last_error() const = 0;
  virtual uint64_t records_ok() const = 0;
  virtual uint64_t records_failed() const = 0;
  virtual uint64_t too_long_lines() const { return 0; }
  // The success answer's body when the protocol reports per record (Elasticsearch bulk);
  // "" = the protocol's fixed answer.
  virtual std::string ResponseBody() const { return ""; }
};

}  // namespace vl::insert
