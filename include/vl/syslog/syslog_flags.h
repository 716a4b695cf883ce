// The -syslog.* command-line flags turned into listener settings. Array flags hold one value per
// listen address, comma-separated (commas inside quotes and brackets do not split, so JSON
// values fit); a flag given a single value applies to every address, as in VictoriaLogs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/syslog/syslog_server.h"

namespace vl::syslog {

// The raw values of one transport's array flags (-syslog.<name>.tcp or .udp).
struct TransportFlags {
  std::string listen_addr;        // -syslog.listenAddr.*
  std::string tenant_id;          // -syslog.tenantID.*: AccountID[:ProjectID]
  std::string compress_method;    // -syslog.compressMethod.*
  std::string use_local_timestamp;  // -syslog.useLocalTimestamp.*: true/false
  std::string stream_fields;      // -syslog.streamFields.*: JSON array of names
  std::string ignore_fields;      // -syslog.ignoreFields.*: JSON array of names or prefix*
  std::string decolorize_fields;  // -syslog.decolorizeFields.*: JSON array
  std::string extra_fields;       // -syslog.extraFields.*: JSON object {"name":"value"}
  // TCP only: -syslog.tls, -syslog.tlsCertFile, -syslog.tlsKeyFile.
  std::string tls, tls_cert_file, tls_key_file;
};

// Splits an array flag at top-level commas.
std::vector<std::string> SplitArrayFlag(std::string_view value);

// Listeners for every address of `flags.listen_addr`. `base` carries the settings shared by all
// (time zone, size limits). Errors name the flag and the value.
Result<std::vector<ListenerOptions>> ListenersFromFlags(ListenerOptions::Transport transport,
                                                       const TransportFlags& flags, const StreamOptions& base);

}  // namespace vl::syslog
