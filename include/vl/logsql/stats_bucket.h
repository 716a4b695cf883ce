// `stats by (_time:1h offset 30m, bytes:10KB, ip:/24)`: grouping by the bucket a value falls in.
// A bucket's value is its lower bound: time buckets are aligned to the Unix epoch (then shifted
// by the offset; `week` starts on Monday, `month` and `year` on calendar boundaries, UTC) and
// print as RFC3339; number buckets print as numbers, duration values (`1.5s`, bucketed in
// nanoseconds: a `1s` step is 1e9) as durations; IPv4 buckets as the masked address.
// Values that do not read as the bucket's kind keep their text and group as they are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vl::logsql {

struct StatsBucket {
  enum class Kind { kNone, kTime, kNumber, kIPv4 };
  enum class Calendar { kNone, kWeek, kMonth, kYear };

  Kind kind = Kind::kNone;
  std::string text;  // canonical source after `field:`, e.g. "1h offset 30m", "/24"
  int64_t step_ns = 0;  // kTime with a fixed step
  Calendar calendar = Calendar::kNone;
  int64_t offset_ns = 0;  // kTime
  double step = 0;        // kNumber
  double offset = 0;      // kNumber
  uint32_t mask = 0;      // kIPv4

  // From the text after `field:`: the step and the optional offset (empty when absent).
  // False with *err naming the problem.
  static bool Parse(const std::string& field, const std::string& step, const std::string& offset,
                    StatsBucket* out, std::string* err);

  // Lower bound of the time bucket holding `ts`.
  int64_t TimeBucket(int64_t ts) const;
  // The bucketed text of a value; `buf` holds the result when it is not `v` itself.
  std::string_view Apply(std::string_view v, std::string* buf) const;
};

}  // namespace vl::logsql
