// Parsing and printing of timestamps and durations in the forms users type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vl {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

// Current wall-clock time in nanoseconds since the epoch.
int64_t NowNanos();

// RFC3339 / ISO8601: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`; a space may replace `T`; no zone
// suffix means UTC (the server runs in UTC). Fraction up to 9 digits. Returns false on bad input.
bool ParseRFC3339(std::string_view s, int64_t* ns);

// A Unix timestamp whose unit (s, ms, µs, ns) is detected from its magnitude. Accepts integers,
// floats and scientific notation. Returns false when `s` is not a number.
bool ParseUnixTimestamp(std::string_view s, int64_t* ns);

// Timestamp of an ingested row: RFC3339 or Unix number. "", "0" and "-" mean `now_ns`.
bool ParseIngestTimestamp(std::string_view s, int64_t now_ns, int64_t* ns);

// `2006-01-02T15:04:05.999999999Z` (trailing zeros of the fraction trimmed, like Go's RFC3339Nano).
std::string FormatRFC3339Nano(int64_t ns);
// Appends the same text to `out` without allocating a temporary.
void AppendRFC3339Nano(int64_t ns, std::string* out);

// LogsQL / Prometheus durations: `5m`, `1h30m`, `1.5d`, `500ms`, `1w`, `1y`, units ns us µs ms s m h d w y.
// A leading `-` is allowed. Returns false on bad input.
bool ParseDuration(std::string_view s, int64_t* ns);

// Partial absolute timestamps used in `_time` filters and HTTP args: `YYYY`, `YYYY-MM`,
// `YYYY-MM-DD`, `YYYY-MM-DDTHH`, `...:MM`, `...:SS[.frac]`, optional `Z`/`±hh:mm` (none = UTC).
// Sets *start to the start of the denoted period and *end to its last nanosecond.
bool ParseTimePeriod(std::string_view s, int64_t* start, int64_t* end);

// HTTP `start`/`end`/`time` args: Unix number, RFC3339 or partial timestamp (start of period),
// `now`, or a duration meaning now minus it (`5m`, `-5m`, `now-1h`).
bool ParseTimeArg(std::string_view s, int64_t now_ns, int64_t* ns);

// `-retentionPeriod` style: number + unit h, d, w, y (a bare number means months of 31 days).
bool ParseRetention(std::string_view s, int64_t* ns);

}  // namespace vl
