// A log entry on its way into storage, borrowing every byte from whoever produced it.
//
// Parsers fill RowViews from their own buffers (a request body, the JSON parser's string
// buffer) and hand them to an insert::RowWriter, which copies each row once, straight into its
// destination format: a write-ahead-log payload on a storage node, a node's wire batch on a
// router. No field of an ingested row is a heap string of its own on the way.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/stream.h"

namespace vl {

struct FieldView {
  std::string_view name;   // as Field::name: "_msg" for the message
  std::string_view value;  // never empty
};

struct RowView {
  TenantID tenant;
  int64_t timestamp = 0;           // nanoseconds since the Unix epoch, UTC
  StreamID stream_id;              // StreamID::ComputeFromCanonical(tenant, stream_tags)
  std::string_view stream_tags;    // StreamTags::MarshalCanonical bytes
  std::span<const FieldView> fields;
};

// An owned copy (debug output, tests, LogRow-based conveniences). Malformed stream tags give
// a row without stream tags.
LogRow ToLogRow(const RowView& row);

// Views of `row`; *tags and *fields hold the bytes the views point to. A zero stream id is
// computed from the tags.
RowView ViewOf(const LogRow& row, std::string* tags, std::vector<FieldView>* fields);

}  // namespace vl
