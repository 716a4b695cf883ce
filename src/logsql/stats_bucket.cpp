#include "vl/logsql/stats_bucket.h"

#include <charconv>
#include <cmath>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_range.h"
#include "vl/logsql/lexer.h"
#include "pipes/format_pattern.h"

namespace vl::logsql {

namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kDay = 86400 * kSecond;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Civil date of a day number (days since 1970-01-01) and back (proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ParseTimeStep(const std::string& s, StatsBucket* b) {
  const std::string l = ToLowerAscii(s);
  static const struct {
    const char* name;
    int64_t ns;
  } kNamed[] = {{"nanosecond", 1},          {"microsecond", 1000},       {"millisecond", 1000000},
                {"second", kSecond},        {"minute", 60 * kSecond},    {"hour", 3600 * kSecond},
                {"day", kDay}};
  for (const auto& n : kNamed) {
    if (l == n.name) {
      b->step_ns = n.ns;
      return true;
    }
  }
  if (l == "week") b->calendar = StatsBucket::Calendar::kWeek;
  else if (l == "month") b->calendar = StatsBucket::Calendar::kMonth;
  else if (l == "year") b->calendar = StatsBucket::Calendar::kYear;
  if (b->calendar != StatsBucket::Calendar::kNone) return true;
  return ParseDuration(s, &b->step_ns) && b->step_ns > 0;
}

bool ParsePlainNumber(std::string_view s, double* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*v);
}

}  // namespace

bool StatsBucket::Parse(const std::string& field, const std::string& step, const std::string& offset,
                        StatsBucket* out, std::string* err) {
  StatsBucket b;
  b.text = step + (offset.empty() ? "" : " offset " + offset);
  if (field == "_time") {
    b.kind = Kind::kTime;
    if (!ParseTimeStep(step, &b)) {
      *err = "cannot parse time bucket step \"" + step + "\"";
      return false;
    }
    if (!offset.empty() && !ParseDuration(offset, &b.offset_ns)) {
      *err = "cannot parse bucket offset \"" + offset + "\"";
      return false;
    }
  } else if (!step.empty() && step[0] == '/') {
    b.kind = Kind::kIPv4;
    unsigned bits = 0;
    auto [p, ec] = std::from_chars(step.data() + 1, step.data() + step.size(), bits);
    if (ec != std::errc() || p != step.data() + step.size() || bits > 32 || step.size() == 1 || !offset.empty()) {
      *err = "cannot parse IPv4 bucket \"" + step + "\"";
      return false;
    }
    b.mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  } else {
    b.kind = Kind::kNumber;
    // A duration step (`1s`) is a number of nanoseconds, as duration values are bucketed.
    if (!ParseRangeNumber(step, &b.step) || !(b.step > 0)) {
      *err = "cannot parse bucket step \"" + step + "\"";
      return false;
    }
    if (!offset.empty() && !ParseRangeNumber(offset, &b.offset)) {
      *err = "cannot parse bucket offset \"" + offset + "\"";
      return false;
    }
  }
  *out = std::move(b);
  return true;
}

int64_t StatsBucket::TimeBucket(int64_t ts) const {
  const int64_t t = ts - offset_ns;
  int64_t start;
  switch (calendar) {
    case Calendar::kNone: start = FloorDiv(t, step_ns) * step_ns; break;
    case Calendar::kWeek: {
      // 1970-01-05 was the first Monday.
      const int64_t monday = 4 * kDay;
      start = FloorDiv(t - monday, 7 * kDay) * 7 * kDay + monday;
      break;
    }
    case Calendar::kMonth:
    case Calendar::kYear: {
      int64_t y;
      unsigned m, d;
      CivilFromDays(FloorDiv(t, kDay), &y, &m, &d);
      start = DaysFromCivil(y, calendar == Calendar::kYear ? 1 : m, 1) * kDay;
      break;
    }
  }
  return start + offset_ns;
}

std::string_view StatsBucket::Apply(std::string_view v, std::string* buf) const {
  switch (kind) {
    case Kind::kNone: return v;
    case Kind::kTime: {
      int64_t ts;
      if (!ParseRFC3339(v, &ts)) return v;
      buf->clear();
      AppendRFC3339Nano(TimeBucket(ts), buf);
      return *buf;
    }
    case Kind::kNumber: {
      double x;
      if (!ParsePlainNumber(v, &x)) {
        // Durations (`1.5s`) are bucketed in nanoseconds and print as durations.
        int64_t ns;
        if (!pipes::format_internal::ParseVlDuration(v, &ns)) return v;
        const double bucket = std::floor((static_cast<double>(ns) - offset) / step) * step + offset;
        if (!(std::fabs(bucket) < 9.2e18)) return v;
        buf->clear();
        pipes::format_internal::AppendVlDuration(static_cast<int64_t>(bucket), buf);
        return *buf;
      }
      const double bucket = std::floor((x - offset) / step) * step + offset;
      char tmp[64];
      auto [p, ec] = std::to_chars(tmp, tmp + sizeof(tmp), bucket);
      if (ec != std::errc()) return v;
      buf->assign(tmp, p);
      return *buf;
    }
    case Kind::kIPv4: {
      uint32_t ip;
      if (!ParseIPv4(v, &ip)) return v;
      ip &= mask;
      *buf = std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 255) + "." +
             std::to_string((ip >> 8) & 255) + "." + std::to_string(ip & 255);
      return *buf;
    }
  }
  return v;
}

}  // namespace vl::logsql
