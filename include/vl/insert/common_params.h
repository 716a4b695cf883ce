// Ingestion parameters shared by all HTTP insert protocols (query args or `VL-*` headers).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/status.h"
#include "vl/common/stream.h"

namespace vl::insert {

// Returns the value of a query arg / header, or "" when absent.
using ArgGetter = std::function<std::string_view(std::string_view)>;

struct CommonParams {
  TenantID tenant;                             // headers AccountID / ProjectID
  std::vector<std::string> msg_fields;         // _msg_field: first present non-empty one becomes _msg
  std::vector<std::string> time_fields{"_time"};  // _time_field: first present one is the timestamp
  std::vector<std::string> stream_fields;      // _stream_fields
  std::vector<std::string> ignore_fields;      // ignore_fields: exact names or `prefix*`
  std::vector<std::string> decolorize_fields;  // decolorize_fields: exact names or `prefix*`
  std::vector<Field> extra_fields;             // extra_fields: `name=value,...`
  bool debug = false;                          // debug: parse but do not store

  // Query arg wins over the header when both are non-empty. Errors are InvalidArgument naming
  // the bad parameter or header.
  static Result<CommonParams> Parse(const ArgGetter& get_arg, const ArgGetter& get_header);

  // True when `name` matches ignore_fields (exact or `prefix*`).
  bool IsIgnored(std::string_view name) const;
  // True when `name` matches decolorize_fields.
  bool IsDecolorized(std::string_view name) const;
  // True when `name` is one of extra_fields.
  bool IsExtraField(std::string_view name) const;
};

// Splits a comma-separated list, trimming spaces and skipping empty items.
std::vector<std::string> SplitList(std::string_view s);
// True when `name` matches any of `patterns` (exact, or `prefix*`).
bool MatchesAnyPattern(const std::vector<std::string>& patterns, std::string_view name);

}  // namespace vl::insert
