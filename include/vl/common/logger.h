// Process logging as VictoriaLogs' logger flags describe it: -loggerOutput (stderr by default,
// where harnesses written for VictoriaLogs look), -loggerFormat (default or json),
// -loggerLevel and -loggerTimezone.
#pragma once

#include <string>

#include "vl/common/status.h"

namespace vl {

struct LoggerOptions {
  std::string output = "stderr";  // stderr | stdout
  std::string format = "default";  // default | json
  std::string level = "INFO";      // INFO | WARN | ERROR | FATAL | PANIC
  std::string timezone = "UTC";    // an IANA name such as Europe/Berlin, or UTC
};

// Installs the default spdlog logger; InvalidArgument naming the flag on a bad value.
Status SetUpLogger(const LoggerOptions& options);

}  // namespace vl
