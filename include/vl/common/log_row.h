// The unit of ingestion: one log entry with its tenant, stream and fields.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vl/common/stream.h"

namespace vl {

struct Field {
  std::string name;   // "_msg" for the message; never "_time", "_stream", "_stream_id"
  std::string value;  // never empty: empty values are the same as absent fields
};

struct LogRow {
  TenantID tenant;
  int64_t timestamp = 0;  // nanoseconds since the Unix epoch, UTC
  StreamTags stream_tags;
  StreamID stream_id;     // StreamID::Compute(tenant, stream_tags)
  std::vector<Field> fields;
};

}  // namespace vl
