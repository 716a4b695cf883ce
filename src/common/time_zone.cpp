#include "vl/common/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vl {

namespace {

constexpr std::string_view kZoneDir = "/usr/share/zoneinfo/";

int64_t BigEndian(std::string_view data, size_t pos, size_t width) {
  uint64_t v = 0;
  for (size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(data[pos + i]);
  // Sign-extend 32-bit values.
  if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read time zone file " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
  return name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-") ==
         std::string_view::npos;
}

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name == "UTC" || name == "Etc/UTC") return TimeZone();
  std::string path;
  std::string display(name);
  if (name == "Local") {
    const char* tz = std::getenv("TZ");
    std::string_view env = tz ? std::string_view(tz) : std::string_view();
    if (!env.empty() && env.front() == ':') env.remove_prefix(1);
    if (env.empty()) {
      path = "/etc/localtime";
    } else if (env == "UTC") {
      return TimeZone();
    } else if (ValidName(env)) {
      path = std::string(kZoneDir) + std::string(env);
    } else {
      return Status::InvalidArgument("unsupported TZ environment value \"" + std::string(env) + "\"");
    }
    // A machine without /etc/localtime runs in UTC.
    if (path == "/etc/localtime" && !std::ifstream(path)) return TimeZone();
  } else {
    if (!ValidName(name)) return Status::InvalidArgument("invalid time zone name \"" + display + "\"");
    path = std::string(kZoneDir) + display;
  }
  auto data = ReadFile(path);
  if (!data.ok()) return Status::InvalidArgument("unknown time zone \"" + display + "\": " + data.status().message());
  return FromTzif(display, *data);
}

Result<TimeZone> TimeZone::FromTzif(std::string_view name, std::string_view data) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("time zone \"" + std::string(name) + "\": not a TZif file (" + why + ")");
  };
  constexpr size_t kHeader = 44;
  if (data.size() < kHeader || data.substr(0, 4) != "TZif") return bad("no TZif header");
  const char version = data[4];
  // Header counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = BigEndian(data, at + 20 + 4 * i, 4);
  };
  int64_t c[6];
  counts(0, c);
  size_t block = kHeader;
  size_t time_width = 4;
  auto block_size = [&](size_t tw) {
    return c[3] * tw + c[3] + c[4] * 6 + c[5] + c[2] * (tw + 4) + c[1] + c[0];
  };
  for (int i = 0; i < 6; ++i) {
    if (c[i] < 0 || c[i] > (1 << 20)) return bad("absurd counts");
  }
  if (version >= '2') {
    // Skip the 32-bit block; the 64-bit one follows with its own header.
    const size_t second = kHeader + static_cast<size_t>(block_size(4));
    if (data.size() < second + kHeader || data.substr(second, 4) != "TZif") return bad("no second header");
    counts(second, c);
    for (int i = 0; i < 6; ++i) {
      if (c[i] < 0 || c[i] > (1 << 20)) return bad("absurd counts");
    }
    block = second + kHeader;
    time_width = 8;
  }
  if (data.size() < block + static_cast<size_t>(block_size(time_width))) return bad("truncated");
  if (c[4] == 0) return bad("no local time types");

  TimeZone tz;
  tz.name_ = std::string(name);
  const size_t times_at = block;
  const size_t idx_at = times_at + c[3] * time_width;
  const size_t types_at = idx_at + c[3];
  auto type_offset = [&](size_t type) { return static_cast<int32_t>(BigEndian(data, types_at + 6 * type, 4)); };
  for (int64_t i = 0; i < c[3]; ++i) {
    const size_t type = static_cast<uint8_t>(data[idx_at + i]);
    if (type >= static_cast<size_t>(c[4])) return bad("transition to an unknown type");
    tz.transitions_.push_back(BigEndian(data, times_at + i * time_width, time_width));
    tz.offsets_.push_back(type_offset(type));
  }
  if (!std::is_sorted(tz.transitions_.begin(), tz.transitions_.end())) return bad("unsorted transitions");
  // RFC 8536: before the first transition, the first non-DST type (else type 0) applies.
  tz.initial_offset_ = type_offset(0);
  for (int64_t t = 0; t < c[4]; ++t) {
    if (data[types_at + 6 * t + 4] == 0) {
      tz.initial_offset_ = type_offset(static_cast<size_t>(t));
      break;
    }
  }
  return tz;
}

int64_t TimeZone::OffsetAt(int64_t unix_seconds) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

}  // namespace vl
