// A named time zone read from the system's tz database (/usr/share/zoneinfo, TZif files), for
// wall-clock times that carry no offset, such as RFC 3164 syslog stamps (-syslog.timezone).
// GCC 12's libstdc++ has no std::chrono::tzdb and glibc only offers the process-wide TZ, which
// the logger owns; so the transitions are read here. Times after the file's last transition use
// its last offset: Debian ships "fat" files whose transitions run to 2037.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"

namespace vl {

class TimeZone {
 public:
  // UTC.
  TimeZone() = default;

  // "UTC", "Local" (the TZ environment variable, else /etc/localtime) or an IANA name such as
  // "Europe/Berlin" or "Etc/GMT+3". Unknown names and unreadable files → InvalidArgument.
  static Result<TimeZone> Load(std::string_view name);
  // Parses TZif bytes (versions 1-4). `name` is only for messages.
  static Result<TimeZone> FromTzif(std::string_view name, std::string_view data);

  // Seconds east of UTC in effect at `unix_seconds`.
  int64_t OffsetAt(int64_t unix_seconds) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // ascending Unix seconds
  std::vector<int32_t> offsets_;      // offsets_[i] is in effect from transitions_[i]
  int32_t initial_offset_ = 0;        // before the first transition
};

}  // namespace vl
