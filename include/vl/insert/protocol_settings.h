// Server-wide settings of the ingestion protocols, from their command-line flags
// (-datadog.*, -loki.*, -opentelemetry.*, -journald.*). A request's own parameters win over them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "vl/common/log_row.h"

namespace vl::insert {

struct ProtocolSettings {
  // -<protocol>.maxRequestSize: the decoded body of a whole-body protocol; bigger → 400.
  // (journald is streamed: its -journald.maxRequestSize is accepted and ignored, as in VictoriaLogs.)
  size_t datadog_max_request_bytes = 64 << 20;
  size_t loki_max_request_bytes = 64 << 20;
  size_t opentelemetry_max_request_bytes = 64 << 20;

  // -datadog.streamFields / -datadog.ignoreFields: used when the request sets none.
  std::vector<std::string> datadog_stream_fields;
  std::vector<std::string> datadog_ignore_fields;

  // -loki.disableMessageParsing: a JSON-object line stays the _msg instead of becoming fields.
  bool loki_disable_message_parsing = false;

  // -journald.*
  std::vector<std::string> journald_stream_fields{"_MACHINE_ID", "_HOSTNAME", "_SYSTEMD_UNIT"};
  std::vector<std::string> journald_ignore_fields;
  std::string journald_time_field = "__REALTIME_TIMESTAMP";
  TenantID journald_tenant;  // when the request carries no AccountID / ProjectID
  bool journald_include_entry_metadata = false;
};

}  // namespace vl::insert
