// Turns the flattened fields of one ingested entry into a RowView, applying CommonParams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include <string>
#include <unordered_map>

#include "vl/common/byte_arena.h"
#include "vl/common/row_view.h"
#include "vl/common/status.h"
#include "vl/insert/common_params.h"

namespace vl::insert {

// `-defaultMsgValue`: the _msg of entries without one.
inline constexpr std::string_view kDefaultMsgValue =
    "missing _msg field; see https://docs.victoriametrics.com/victorialogs/keyconcepts/#message-field";

// Hard cap of -insert.maxFieldsPerLine (VictoriaLogs refuses more fields per entry whatever the flag).
inline constexpr size_t kMaxFieldsPerLineCap = 2000;

struct RowBuilderOptions {
  size_t max_fields = 1000;       // -insert.maxFieldsPerLine: more fields → the entry is dropped
  size_t max_field_name_len = 128;  // longer field name → the entry is dropped
  size_t max_row_bytes = 2 << 20;   // estimated JSON size above this → the entry is dropped
};

// Which limit made Build() drop an entry; kNone for other errors (e.g. a bad timestamp).
// Dropped entries are counted and logged (see row_limits.h), the request still succeeds.
enum class RowLimit { kNone, kTooManyFields, kTooLongFieldName, kTooBigRow };

class RowBuilder {
 public:
  explicit RowBuilder(CommonParams params, RowBuilderOptions opts = {});

  // Builds `*row` from `fields` (rewritten in place; *row's fields view it). Steps: timestamp
  // from the first present time_fields entry (removed; "", "0", "-" → now_ns; unparsable →
  // InvalidArgument), empty name → `_msg`, ignore_fields, extra_fields (win over same-named
  // fields), _msg_field rename, decolorize, empty values dropped, `_time`/`_stream`/`_stream_id`
  // dropped, default _msg, stream tags from stream_fields, StreamID. The row's views stay valid
  // until the next Build() and while `fields`' bytes live. On error *row is unspecified and,
  // when the entry broke one of the limits of RowBuilderOptions, `*limit` (if given) names it.
  Status Build(std::vector<FieldView>& fields, int64_t now_ns, RowView* row, RowLimit* limit = nullptr);

  const CommonParams& params() const { return params_; }

 private:
  // The canonical tags and id of the stream whose stream-field values are `key`.
  struct StreamEntry {
    std::string tags;
    StreamID id;
  };
  const StreamEntry& StreamOf(const std::vector<FieldView>& fields);

  CommonParams params_;
  RowBuilderOptions opts_;
  ByteArena arena_;  // decolorized values of the current entry
  // Entries of one request repeat a few streams: their tags are marshaled and hashed once.
  // Keyed by the stream-field values (length-prefixed, in stream_fields order).
  std::unordered_map<std::string, StreamEntry> streams_;
  std::string key_;
  std::vector<std::pair<std::string_view, std::string_view>> labels_;  // scratch of StreamOf
};

// Removes ANSI escape sequences (CSI `ESC [ ... final`, OSC, two-byte ESC x) from `s` in place.
void Decolorize(std::string* s);

}  // namespace vl::insert
