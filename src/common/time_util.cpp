// Timestamp and duration parsing/printing. Hand-written fast paths: no regex, no strptime.
#include "vl/common/time_util.h"

#include "vl/common/civil_date.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

namespace vl {

namespace {

constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;
constexpr int64_t kNanosPerDay = 24 * kNanosPerHour;
constexpr int64_t kSecondsPerDay = 86400;

constexpr int64_t kPow10[] = {1,
                              10,
                              100,
                              1000,
                              10000,
                              100000,
                              1000000,
                              10000000,
                              100000000,
                              1000000000,
                              10000000000,
                              100000000000,
                              1000000000000,
                              10000000000000,
                              100000000000000,
                              1000000000000000,
                              10000000000000000,
                              100000000000000000,
                              1000000000000000000};

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }


inline bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Parses exactly n digits at s[pos]; false when any is not a digit.
inline bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Parses the zone suffix s[pos..]: "", "Z"/"z", "±hh:mm" or "±hhmm". *offset_ns is the zone's
// offset east of UTC. Must consume the rest of the string.
inline bool ParseZone(std::string_view s, size_t pos, int64_t* offset_ns) {
  *offset_ns = 0;
  if (pos == s.size()) return true;
  char c = s[pos];
  if (c == 'Z' || c == 'z') return pos + 1 == s.size();
  if (c != '+' && c != '-') return false;
  int hh = 0, mm = 0;
  if (!ParseDigits(s, pos + 1, 2, &hh)) return false;
  size_t p = pos + 3;
  if (p < s.size() && s[p] == ':') p++;
  if (!ParseDigits(s, p, 2, &mm)) return false;
  if (p + 2 != s.size() || hh > 23 || mm > 59) return false;
  int64_t off = hh * kNanosPerHour + mm * kNanosPerMinute;
  *offset_ns = c == '-' ? -off : off;
  return true;
}

// Fraction digits after '.' at s[pos]: 1..9 digits. Sets *frac_ns, *ndigits, *end.
inline bool ParseFraction(std::string_view s, size_t pos, int64_t* frac_ns, int* ndigits, size_t* end) {
  int64_t v = 0;
  int n = 0;
  size_t p = pos;
  while (p < s.size() && IsDigit(s[p])) {
    if (n == 9) return false;
    v = v * 10 + (s[p] - '0');
    n++;
    p++;
  }
  if (n == 0) return false;
  *frac_ns = v * kPow10[9 - n];
  *ndigits = n;
  *end = p;
  return true;
}

// seconds + frac_ns - offset_ns, checked against the int64 nanosecond range.
inline bool CombineNanos(int64_t days, int64_t secs_of_day, int64_t frac_ns, int64_t offset_ns, int64_t* ns) {
  __int128 v = static_cast<__int128>(days * kSecondsPerDay + secs_of_day) * kNanosPerSecond + frac_ns - offset_ns;
  if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) return false;
  *ns = static_cast<int64_t>(v);
  return true;
}

// Components of a (possibly partial) timestamp. `level`: 1 year, 2 month, 3 day, 4 hour,
// 5 minute, 6 second.
struct Civil {
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t frac_ns = 0;
  int frac_digits = 0;
  int64_t offset_ns = 0;
  int level = 0;
};

// Parses `YYYY[-MM[-DD[(T| )hh[:mm[:ss[.frac]]]]]][zone]`; min_level is the least level accepted.
bool ParseCivil(std::string_view s, int min_level, Civil* c) {
  size_t pos = 0;
  if (!ParseDigits(s, 0, 4, &c->year)) return false;
  pos = 4;
  c->level = 1;
  auto at_zone = [&](size_t p) {
    return p == s.size() || s[p] == 'Z' || s[p] == 'z' || s[p] == '+' || (s[p] == '-' && c->level >= 4);
  };
  if (!at_zone(pos)) {
    if (s[pos] != '-' || !ParseDigits(s, pos + 1, 2, &c->month)) return false;
    pos += 3;
    c->level = 2;
    if (c->month < 1 || c->month > 12) return false;
    if (!at_zone(pos)) {
      if (s[pos] != '-' || !ParseDigits(s, pos + 1, 2, &c->day)) return false;
      pos += 3;
      c->level = 3;
      if (c->day < 1 || c->day > DaysInMonth(c->year, c->month)) return false;
      if (!at_zone(pos)) {
        if ((s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') || !ParseDigits(s, pos + 1, 2, &c->hour)) return false;
        pos += 3;
        c->level = 4;
        if (c->hour > 23) return false;
        if (!at_zone(pos)) {
          if (s[pos] != ':' || !ParseDigits(s, pos + 1, 2, &c->minute)) return false;
          pos += 3;
          c->level = 5;
          if (c->minute > 59) return false;
          if (!at_zone(pos)) {
            if (s[pos] != ':' || !ParseDigits(s, pos + 1, 2, &c->second)) return false;
            pos += 3;
            c->level = 6;
            if (c->second > 59) return false;
            if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
              if (!ParseFraction(s, pos + 1, &c->frac_ns, &c->frac_digits, &pos)) return false;
            }
          }
        }
      }
    }
  }
  if (c->level < min_level) return false;
  // Only full times may carry a numeric offset; a '-' after the date would be ambiguous.
  return ParseZone(s, pos, &c->offset_ns);
}

// Fast path for the most common full form; falls back to nothing (caller validates fully).
bool ParseRFC3339Impl(std::string_view s, int64_t* ns) {
  // Minimal length: YYYY-MM-DDThh:mm:ss = 19.
  if (s.size() < 19) return false;
  int year, month, day, hour, minute, second;
  if (!ParseDigits(s, 0, 4, &year) || s[4] != '-' || !ParseDigits(s, 5, 2, &month) || s[7] != '-' ||
      !ParseDigits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !ParseDigits(s, 11, 2, &hour) || s[13] != ':' || !ParseDigits(s, 14, 2, &minute) || s[16] != ':' ||
      !ParseDigits(s, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  size_t pos = 19;
  int64_t frac_ns = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    int nd = 0;
    if (!ParseFraction(s, pos + 1, &frac_ns, &nd, &pos)) return false;
  }
  int64_t offset_ns = 0;
  if (!ParseZone(s, pos, &offset_ns)) return false;
  return CombineNanos(DaysFromCivil(year, month, day), hour * 3600 + minute * 60 + second, frac_ns, offset_ns, ns);
}

// Units for durations, longest match first where prefixes collide.
struct DurUnit {
  std::string_view name;
  int64_t ns;
};
constexpr DurUnit kDurUnits[] = {
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},  // µ (micro sign)
    {"\xCE\xBCs", 1000},  // μ (greek mu)
    {"ms", 1'000'000},
    {"s", kNanosPerSecond},
    {"m", kNanosPerMinute},
    {"h", kNanosPerHour},
    {"d", kNanosPerDay},
    {"w", 7 * kNanosPerDay},
    {"y", 365 * kNanosPerDay},
};

// Matches the unit at s[pos]: the longest unit name that matches.
inline bool MatchUnit(std::string_view s, size_t pos, int64_t* unit_ns, size_t* len) {
  size_t best = 0;
  for (const auto& u : kDurUnits) {
    if (u.name.size() > best && s.substr(pos, u.name.size()) == u.name) {
      best = u.name.size();
      *unit_ns = u.ns;
    }
  }
  *len = best;
  return best > 0;
}

// A plain decimal number (optional sign, digits, optional fraction, optional exponent).
bool IsNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) i++;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && IsDigit(s[i])) i++, int_digits++;
  if (i < s.size() && s[i] == '.') {
    i++;
    while (i < s.size() && IsDigit(s[i])) i++, frac_digits++;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) i++;
    size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) i++, exp_digits++;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

}  // namespace

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool ParseRFC3339(std::string_view s, int64_t* ns) { return ParseRFC3339Impl(s, ns); }

bool ParseUnixTimestamp(std::string_view s, int64_t* ns) {
  // Exact decimal arithmetic: value = mantissa * 10^exp10 with up to 19 significant digits.
  if (s.empty() || s.size() > 64) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  __int128 mant = 0;
  int sig = 0;        // significant digits kept in mant
  int exp10 = 0;      // decimal exponent applied to mant
  size_t ndigits = 0;
  auto digit = [&](int d, bool frac) {
    ndigits++;
    if (sig == 0 && d == 0) {
      if (frac) exp10--;
      return;
    }
    if (sig < 19) {
      mant = mant * 10 + d;
      sig++;
      if (frac) exp10--;
    } else if (!frac) {
      exp10++;  // dropped integer digit
    }
  };
  while (i < s.size() && IsDigit(s[i])) digit(s[i++] - '0', false);
  if (i < s.size() && s[i] == '.') {
    i++;
    while (i < s.size() && IsDigit(s[i])) digit(s[i++] - '0', true);
  }
  if (ndigits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool eneg = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
    int e = 0;
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) {
      if (e < 10000) e = e * 10 + (s[i] - '0');
      i++;
    }
    if (i == start) return false;
    exp10 += eneg ? -e : e;
  }
  if (i != s.size()) return false;
  if (mant == 0) {
    *ns = 0;
    return true;
  }
  // Integer digits of |value| decide the unit: <=10 s, <=13 ms, <=16 us, else ns.
  int int_digits = sig + exp10;
  int scale_digits = int_digits <= 10 ? 9 : int_digits <= 13 ? 6 : int_digits <= 16 ? 3 : 0;
  int e = exp10 + scale_digits;
  if (e > 19) return false;
  __int128 v = mant;
  if (e >= 0) {
    for (int k = 0; k < e; k++) v *= 10;
  } else {
    for (int k = 0; k < -e && v != 0; k++) v /= 10;
  }
  if (neg) v = -v;
  if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) return false;
  *ns = static_cast<int64_t>(v);
  return true;
}

bool ParseIngestTimestamp(std::string_view s, int64_t now_ns, int64_t* ns) {
  if (s.empty() || s == "0" || s == "-") {
    *ns = now_ns;
    return true;
  }
  if (s.size() >= 19 && s[4] == '-') return ParseRFC3339Impl(s, ns);
  return ParseUnixTimestamp(s, ns);
}

void AppendRFC3339Nano(int64_t ns, std::string* out) {
  int64_t secs = ns / kNanosPerSecond;
  int64_t frac = ns % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    secs--;
  }
  int64_t days = secs / kSecondsPerDay;
  int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    days--;
  }
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  char* p = buf;
  auto put2 = [&](int v) {
    *p++ = static_cast<char>('0' + v / 10);
    *p++ = static_cast<char>('0' + v % 10);
  };
  int yy = static_cast<int>(y);
  if (yy < 0) {  // outside the int64 ns range this never happens; keep output well-formed anyway
    *p++ = '-';
    yy = -yy;
  }
  *p++ = static_cast<char>('0' + (yy / 1000) % 10);
  *p++ = static_cast<char>('0' + (yy / 100) % 10);
  *p++ = static_cast<char>('0' + (yy / 10) % 10);
  *p++ = static_cast<char>('0' + yy % 10);
  *p++ = '-';
  put2(m);
  *p++ = '-';
  put2(d);
  *p++ = 'T';
  put2(static_cast<int>(sod / 3600));
  *p++ = ':';
  put2(static_cast<int>(sod / 60 % 60));
  *p++ = ':';
  put2(static_cast<int>(sod % 60));
  if (frac != 0) {
    *p++ = '.';
    char digits[9];
    int64_t f = frac;
    for (int k = 8; k >= 0; k--) {
      digits[k] = static_cast<char>('0' + f % 10);
      f /= 10;
    }
    int n = 9;
    while (digits[n - 1] == '0') n--;
    std::memcpy(p, digits, n);
    p += n;
  }
  *p++ = 'Z';
  out->append(buf, p - buf);
}

std::string FormatRFC3339Nano(int64_t ns) {
  std::string s;
  s.reserve(32);
  AppendRFC3339Nano(ns, &s);
  return s;
}

bool ParseDuration(std::string_view s, int64_t* ns) {
  bool neg = false;
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  __int128 total = 0;
  while (i < s.size()) {
    // number: digits[.digits]
    int64_t ip = 0;
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) {
      if (i - start >= 18) return false;
      ip = ip * 10 + (s[i] - '0');
      i++;
    }
    size_t int_len = i - start;
    size_t frac_start = i, frac_len = 0;
    if (i < s.size() && s[i] == '.') {
      frac_start = ++i;
      while (i < s.size() && IsDigit(s[i])) i++;
      frac_len = i - frac_start;
    }
    if (int_len + frac_len == 0) return false;
    int64_t unit = 0;
    size_t ulen = 0;
    if (!MatchUnit(s, i, &unit, &ulen)) return false;
    i += ulen;
    __int128 part = static_cast<__int128>(ip) * unit;
    // fraction: up to 18 significant digits, exact integer arithmetic
    __int128 frac = 0;
    size_t used = 0;
    for (size_t k = frac_start; k < frac_start + frac_len && used < 18; k++, used++) frac = frac * 10 + (s[k] - '0');
    if (used > 0) part += frac * unit / kPow10[used];
    total += part;
    if (total > std::numeric_limits<int64_t>::max()) return false;
  }
  *ns = static_cast<int64_t>(neg ? -total : total);
  return true;
}

bool ParseTimePeriod(std::string_view s, int64_t* start, int64_t* end) {
  Civil c;
  if (!ParseCivil(s, 1, &c)) return false;
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  int64_t sod = c.hour * 3600 + c.minute * 60 + c.second;
  if (!CombineNanos(days, sod, c.frac_ns, c.offset_ns, start)) return false;
  // Start of the next period, as nanoseconds.
  __int128 next;
  switch (c.level) {
    case 1:
      next = static_cast<__int128>(DaysFromCivil(c.year + 1, 1, 1)) * kNanosPerDay - c.offset_ns;
      break;
    case 2: {
      int ny = c.month == 12 ? c.year + 1 : c.year;
      int nm = c.month == 12 ? 1 : c.month + 1;
      next = static_cast<__int128>(DaysFromCivil(ny, nm, 1)) * kNanosPerDay - c.offset_ns;
      break;
    }
    case 3: next = static_cast<__int128>(*start) + kNanosPerDay; break;
    case 4: next = static_cast<__int128>(*start) + kNanosPerHour; break;
    case 5: next = static_cast<__int128>(*start) + kNanosPerMinute; break;
    default: next = static_cast<__int128>(*start) + kPow10[9 - c.frac_digits]; break;
  }
  __int128 e = next - 1;
  if (e > std::numeric_limits<int64_t>::max()) e = std::numeric_limits<int64_t>::max();
  *end = static_cast<int64_t>(e);
  return true;
}

bool ParseTimeArg(std::string_view s, int64_t now_ns, int64_t* ns) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return false;
  if (s == "now") {
    *ns = now_ns;
    return true;
  }
  auto relative = [&](std::string_view d) {
    int64_t dur = 0;
    if (!ParseDuration(d, &dur)) return false;
    if (dur < 0) dur = -dur;
    *ns = now_ns - dur;
    return true;
  };
  if (s.starts_with("now-")) return relative(s.substr(4));
  char last = s.back();
  bool last_is_unit = !IsDigit(last) && last != 'Z' && last != 'z' && last != '.';
  if (last_is_unit || s[0] == '-') {
    if (relative(s)) return true;
    return ParseUnixTimestamp(s, ns);  // e.g. a negative Unix timestamp
  }
  if (s.size() == 4 && IsDigit(s[0]) && IsDigit(s[1]) && IsDigit(s[2]) && IsDigit(s[3])) {
    int64_t e;
    return ParseTimePeriod(s, ns, &e);
  }
  if (s.find('-') == std::string_view::npos && s.find(':') == std::string_view::npos) {
    return ParseUnixTimestamp(s, ns);
  }
  int64_t e;
  return ParseTimePeriod(s, ns, &e) || ParseUnixTimestamp(s, ns);
}

bool ParseRetention(std::string_view s, int64_t* ns) {
  if (s.empty()) return false;
  if (IsNumber(s)) {
    double months = 0;
    std::string_view body = s.substr(s[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), months);
    if (ec != std::errc() || !std::isfinite(months) || months <= 0) return false;
    double v = months * 31.0 * static_cast<double>(kNanosPerDay);
    if (v >= 9.2e18) return false;
    *ns = static_cast<int64_t>(std::llround(v));
    return true;
  }
  int64_t d = 0;
  if (!ParseDuration(s, &d) || d <= 0) return false;
  *ns = d;
  return true;
}

}  // namespace vl
