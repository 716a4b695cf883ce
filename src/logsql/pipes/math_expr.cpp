#include "math_expr.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "vl/common/civil_date.h"
#include "vl/common/stream.h"
#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql::pipes {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTwo63 = 9223372036854775808.0;
constexpr uint64_t kHighBit = uint64_t{1} << 63;

// ---------------------------------------------------------------------------------------------
// Go conversions and helpers whose exact results VictoriaLogs' numbers depend on.

// Go's float64 -> int64 conversion as compiled for amd64 (CVTTSD2SQ): truncation toward zero,
// and the "integer indefinite" value INT64_MIN for NaN and anything out of range.
int64_t GoToInt64(double x) {
  if (!(x >= -kTwo63 && x < kTwo63)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(x);
}

// Go's float64 -> uint64 conversion on amd64: values below 2^63 go through the signed
// conversion (so -1 becomes 2^64-1), larger ones are offset by 2^63 first; NaN, +Inf and
// anything >= 2^64 give 2^63.
uint64_t GoToUint64(double x) {
  if (x < kTwo63) return static_cast<uint64_t>(GoToInt64(x));
  return static_cast<uint64_t>(GoToInt64(x - kTwo63)) | kHighBit;
}

// math.Pow10 computes 10^n from two table entries: products above 10^0, quotients below, so
// 10^-n is 1e-(32k) / 1e(n mod 32), not the nearest double to 10^-n in every case.
double GoPow10(int n) {
  static constexpr double kSmall[32] = {1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09, 1e10,
                                        1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                        1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static constexpr double kPos32[10] = {1e00, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288};
  static constexpr double kNeg32[11] = {1e-00, 1e-32,  1e-64,  1e-96,  1e-128, 1e-160,
                                        1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) return kPos32[n / 32] * kSmall[n % 32];
  if (n < 0 && n >= -323) return kNeg32[-n / 32] / kSmall[-n % 32];
  return n > 0 ? kInf : 0.0;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// A short all-digit piece of a date or IPv4 address (VictoriaLogs tryParseDateUint64). Two-byte
// pieces take a shortcut that checks only the first byte is a digit and adds the second byte
// minus '0' as an unsigned byte, whatever it is ("1a" reads as 59); that is kept, since it
// decides which values are timestamps and addresses.
bool ParseDatePiece(std::string_view s, uint64_t* n) {
  if (s.empty() || s.size() > 9) return false;
  if (s.size() == 2) {
    if (!IsDigit(s[0])) return false;
    *n = 10 * static_cast<uint64_t>(s[0] - '0') + static_cast<uint8_t>(static_cast<uint8_t>(s[1]) - '0');
    return true;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *n = v;
  return true;
}

// Decimal digits with `_` anywhere ignored; no leading zero unless the text is one byte.
bool ParseUnsignedVL(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 26) return false;  // 26 = len("18_446_744_073_709_551_615")
  if (s.size() > 1 && s[0] == '0') return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c == '_') continue;
    if (!IsDigit(c)) return false;
    if (n > std::numeric_limits<uint64_t>::max() / 10) return false;
    n *= 10;
    uint64_t next = n + static_cast<uint64_t>(c - '0');
    if (next < n) return false;
    n = next;
  }
  *out = n;
  return true;
}

// VictoriaLogs' own decimal reading (tryParseFloat64): `[-]int[.frac]`, no exponent; the value
// is fma(frac, 10^-len(frac), int), which is not always the correctly rounded decimal.
bool ParseDecimalVL(std::string_view s, double* out) {
  if (s.empty() || s.size() > 27) return false;  // 27 = len("-18_446_744_073_709_551_615")
  bool minus = s[0] == '-';
  if (minus) s.remove_prefix(1);
  size_t dot = s.find('.');
  double f;
  if (dot == std::string_view::npos) {
    uint64_t n;
    if (!ParseUnsignedVL(s, &n)) return false;
    f = static_cast<double>(n);
  } else {
    if (dot == 0 || dot == s.size() - 1) return false;
    std::string_view int_part = s.substr(0, dot);
    std::string_view frac_part = s.substr(dot + 1);
    uint64_t n_int;
    if (!ParseUnsignedVL(int_part, &n_int)) return false;
    size_t z = 0;
    while (z + 1 < frac_part.size() && frac_part[z] == '0') ++z;
    uint64_t n_frac;
    if (!ParseUnsignedVL(frac_part.substr(z), &n_frac)) return false;
    int underscores = static_cast<int>(std::count(frac_part.begin(), frac_part.end(), '_'));
    double p10 = GoPow10(underscores - static_cast<int>(frac_part.size()));
    f = std::fma(static_cast<double>(n_frac), p10, static_cast<double>(n_int));
  }
  *out = minus ? -f : f;
  return true;
}

// The leading run of digits, dots and `_` read by ParseDecimalVL; the rest goes to *tail.
bool ParseDecimalPrefixVL(std::string_view s, double* out, std::string_view* tail) {
  size_t i = 0;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == '.' || s[i] == '_')) ++i;
  if (i == 0) return false;
  *tail = s.substr(i);
  return ParseDecimalVL(s.substr(0, i), out);
}

// n + int64(f) that saturates at INT64_MAX (f is never negative here; Go's conversion of an
// out-of-range f gives INT64_MIN, which also saturates).
int64_t AddSaturating(int64_t n, double f) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t x = GoToInt64(f);
  if (n < 0 || x < 0 || x > kMax - n) return kMax;
  return n + x;
}

bool HasPrefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

struct UnitScale {
  std::string_view name;
  double mult;
};

// Concatenated `<number><unit>` pairs, summed (`1h5m`, `1K500B`); a leading `-` negates. A bare
// number at the end counts as it is when `bare_ok` and whole. Where one unit name is a prefix of
// another, the longer must come first in `units`.
template <size_t N>
bool ParseUnitPairsVL(std::string_view s, const UnitScale (&units)[N], bool bare_ok, int64_t* out) {
  if (s.empty()) return false;
  const bool minus = s[0] == '-';
  if (minus) s.remove_prefix(1);
  int64_t total = 0;
  while (!s.empty()) {
    double f;
    std::string_view tail;
    if (!ParseDecimalPrefixVL(s, &f, &tail)) return false;
    s = tail;
    if (s.empty()) {
      if (!bare_ok || f != std::trunc(f)) return false;
      total = AddSaturating(total, f);
      break;
    }
    const UnitScale* unit = nullptr;
    for (const UnitScale& u : units) {
      if (HasPrefix(s, u.name)) {
        unit = &u;
        break;
      }
    }
    if (!unit) return false;
    total = AddSaturating(total, f * unit->mult);
    s.remove_prefix(unit->name.size());
  }
  *out = minus ? -total : total;
  return true;
}

// `1h5m`, `1.5s`, `-2d`: units ns µs ms s m h d w y.
bool ParseDurationVL(std::string_view s, int64_t* out) {
  static constexpr UnitScale kUnits[] = {
      {"\xC2\xB5s", 1e3}, {"ms", 1e6},     {"ns", 1},    {"y", 365 * 24 * 3600 * 1e9}, {"w", 7 * 24 * 3600 * 1e9},
      {"d", 24 * 3600 * 1e9}, {"h", 3600 * 1e9}, {"m", 60 * 1e9}, {"s", 1e9},
  };
  return ParseUnitPairsVL(s, kUnits, /*bare_ok=*/false, out);
}

// `10KB`, `1.5Ki`, `2GiB`, `3B`, `1K500B`; a bare number must be whole.
bool ParseBytesVL(std::string_view s, int64_t* out) {
  static constexpr UnitScale kSuffixes[] = {
      {"KiB", 1024.0},    {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
      {"Ki", 1024.0},     {"Mi", 1048576.0},  {"Gi", 1073741824.0},  {"Ti", 1099511627776.0},
      {"KB", 1e3},        {"MB", 1e6},        {"GB", 1e9},           {"TB", 1e12},
      {"B", 1},           {"K", 1e3},         {"M", 1e6},            {"G", 1e9},
      {"T", 1e12},
  };
  return ParseUnitPairsVL(s, kSuffixes, /*bare_ok=*/true, out);
}

// `[+-]digit`, `[+-].digit` or `[+-]inf`.
bool IsNumberPrefix(std::string_view s) {
  if (s.empty()) return false;
  if (s[0] == '-' || s[0] == '+') {
    s.remove_prefix(1);
    if (s.empty()) return false;
  }
  if (EqualFold(s, "inf")) return true;
  if (s[0] == '.') {
    s.remove_prefix(1);
    if (s.empty()) return false;
  }
  return IsDigit(s[0]);
}

// Go's rule for `_` in number literals: only between digits, or after a base prefix.
bool UnderscoresOK(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  char last = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' anything else
  bool hex = false;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == '0' && (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    last = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (IsDigit(c) || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      last = '0';
    } else if (c == '_') {
      if (last != '0') return false;
      last = '_';
    } else {
      if (last == '_') return false;
      last = '!';
    }
  }
  return last != '_';
}

// strconv.ParseFloat(s, 64): Go float literal syntax (decimal with optional exponent, hex with
// mandatory `p` exponent, `_` separators), `inf`/`infinity`/`nan`; overflow is an error,
// underflow is not.
bool GoParseFloat(std::string_view s, double* out) {
  if (s.empty()) return false;
  {
    std::string_view t = s;
    bool neg = false;
    if (t[0] == '+' || t[0] == '-') {
      neg = t[0] == '-';
      t.remove_prefix(1);
    }
    if (EqualFold(t, "inf") || EqualFold(t, "infinity")) {
      *out = neg ? -kInf : kInf;
      return true;
    }
    if (EqualFold(s, "nan")) {
      *out = kNaN;
      return true;
    }
  }
  size_t i = 0;
  if (s[0] == '+' || s[0] == '-') i = 1;
  bool hex = false;
  if (i + 2 < s.size() && s[i] == '0' && Lower(s[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  bool dot = false, digits = false, underscores = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (dot) break;
      dot = true;
    } else if (IsDigit(c) || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      digits = true;
    } else {
      break;
    }
  }
  if (!digits) return false;
  if (i < s.size() && Lower(s[i]) == (hex ? 'p' : 'e')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    for (; i < s.size() && (IsDigit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  } else if (hex) {
    return false;
  }
  if (i != s.size()) return false;
  if (underscores && !UnderscoresOK(s)) return false;

  std::string clean;
  clean.reserve(s.size());
  for (char c : s) {
    if (c != '_') clean.push_back(c);
  }
  bool neg = clean[0] == '-';
  size_t start = (clean[0] == '+' || clean[0] == '-') ? 1 : 0;
  if (hex) start += 2;
  double v = 0;
  auto [p, ec] = std::from_chars(clean.data() + start, clean.data() + clean.size(), v,
                                 hex ? std::chars_format::hex : std::chars_format::general);
  if (ec == std::errc() && p == clean.data() + clean.size()) {
    *out = neg ? -v : v;
    return true;
  }
  if (ec != std::errc::result_out_of_range) return false;
  // Out of range: overflow is an error for Go, underflow gives the rounded tiny value.
  errno = 0;
  char* end = nullptr;
  v = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || std::isinf(v)) return false;
  *out = v;
  return true;
}

// strconv.ParseInt(s, 0, 64): optional sign, base prefix 0x / 0b / 0o / 0 (octal), `_`
// separators; int64 overflow is an error.
bool GoParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return false;
  std::string_view unsigned_text = body;
  unsigned base = 10;
  if (body[0] == '0') {
    char p = body.size() >= 3 ? Lower(body[1]) : '\0';
    if (p == 'b' || p == 'o' || p == 'x') {
      base = p == 'b' ? 2 : p == 'o' ? 8 : 16;
      body.remove_prefix(2);
    } else {
      base = 8;
      body.remove_prefix(1);
    }
  }
  bool underscores = false;
  uint64_t n = 0;
  for (char c : body) {
    if (c == '_') {
      underscores = true;
      continue;
    }
    unsigned d;
    char l = Lower(c);
    if (IsDigit(c)) {
      d = static_cast<unsigned>(c - '0');
    } else if (l >= 'a' && l <= 'z') {
      d = static_cast<unsigned>(l - 'a' + 10);
    } else {
      return false;
    }
    if (d >= base) return false;
    if (n > (std::numeric_limits<uint64_t>::max() - d) / base) return false;
    n = n * base + d;
  }
  if (underscores && !UnderscoresOK(unsigned_text)) return false;
  if (!neg && n >= kHighBit) return false;
  if (neg && n > kHighBit) return false;
  *out = neg ? static_cast<int64_t>(uint64_t{0} - n) : static_cast<int64_t>(n);
  return true;
}

// VictoriaLogs tryParseNumber.
bool ParseNumberVL(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (ParseDecimalVL(s, out)) return true;
  int64_t n;
  if (ParseDurationVL(s, &n) || ParseBytesVL(s, &n)) {
    *out = static_cast<double>(n);
    return true;
  }
  // Go syntax, for text that looks like a number and not like an IP address or a timestamp.
  if (!IsNumberPrefix(s) || std::count(s.begin(), s.end(), '.') > 1 || s.find(':') != std::string_view::npos ||
      std::count(s.begin(), s.end(), '-') > 2) {
    return false;
  }
  if (GoParseFloat(s, out)) return true;
  if (GoParseInt(s, &n)) {
    *out = static_cast<double>(n);
    return true;
  }
  return false;
}

// VictoriaLogs TryParseTimestampRFC3339Nano: `YYYY-MM-DD(T| )hh:mm:ss[[.]frac](Z|±hh:mm|)`.
// Out-of-range fields roll over as Go's time.Date does (`2024-02-30` is March 1); a missing
// zone is the server's local zone, which for this server is UTC.
bool ParseTimestampVL(std::string_view s, int64_t* out) {
  if (s.size() < 19) return false;
  uint64_t year, month, day, hour, minute, second;
  if (s[4] != '-' || !ParseDatePiece(s.substr(0, 4), &year) || year < 1677 || year > 2262) return false;
  if (s[7] != '-' || !ParseDatePiece(s.substr(5, 2), &month)) return false;
  if ((s[10] != 'T' && s[10] != ' ') || !ParseDatePiece(s.substr(8, 2), &day)) return false;
  if (s[13] != ':' || !ParseDatePiece(s.substr(11, 2), &hour)) return false;
  if (s[16] != ':' || !ParseDatePiece(s.substr(14, 2), &minute)) return false;
  if (!ParseDatePiece(s.substr(17, 2), &second)) return false;
  std::string_view tail = s.substr(19);

  // time.Date normalisation: months roll into years, the rest is linear.
  int64_t m0 = static_cast<int64_t>(month) - 1;
  int64_t y = static_cast<int64_t>(year) + (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12);
  m0 -= (m0 >= 0 ? m0 / 12 : (m0 - 11) / 12) * 12;
  int64_t secs = (DaysFromCivil(y, static_cast<int>(m0 + 1), 1) + static_cast<int64_t>(day) - 1) * 86400 +
                 static_cast<int64_t>(hour) * 3600 + static_cast<int64_t>(minute) * 60 +
                 static_cast<int64_t>(second);
  if (secs < -9223372036 || secs >= 9223372036) return false;
  uint64_t nsecs = static_cast<uint64_t>(secs) * 1'000'000'000u;  // wraps like Go's int64

  if (!tail.empty() && tail.back() == 'Z') {
    tail.remove_suffix(1);
  } else {
    size_t sign = tail.find_last_of("+-");
    if (sign != std::string_view::npos) {
      std::string_view off = tail.substr(sign + 1);
      uint64_t hh, mm;
      if (off.size() != 5 || off[2] != ':' || !ParseDatePiece(off.substr(0, 2), &hh) || hh > 24 ||
          !ParseDatePiece(off.substr(3, 2), &mm) || mm > 60) {
        return false;
      }
      int64_t offset = static_cast<int64_t>(hh) * 3'600'000'000'000 + static_cast<int64_t>(mm) * 60'000'000'000;
      if (tail[sign] == '-') offset = -offset;
      nsecs -= static_cast<uint64_t>(offset);
      tail = tail.substr(0, sign);
    }
  }
  if (!tail.empty()) {
    if (tail[0] == '.') tail.remove_prefix(1);
    if (tail.size() > 9) return false;
    uint64_t frac;
    if (!ParseDatePiece(tail, &frac)) return false;
    for (size_t k = tail.size(); k < 9; ++k) frac *= 10;
    nsecs += frac;
  }
  *out = static_cast<int64_t>(nsecs);
  return true;
}

// VictoriaLogs tryParseIPv4: exactly four dotted pieces of 1-3 bytes, each <= 255.
bool ParseIPv4VL(std::string_view s, uint32_t* out) {
  if (s.size() < 7 || s.size() > 15 || std::count(s.begin(), s.end(), '.') != 3) return false;
  uint32_t ip = 0;
  for (int k = 0; k < 4; ++k) {
    size_t n = k < 3 ? s.find('.') : s.size();
    if (k < 3 && (n == 0 || n > 3)) return false;
    uint64_t v;
    if (!ParseDatePiece(s.substr(0, n), &v) || v > 255) return false;
    ip = (ip << 8) | static_cast<uint32_t>(v);
    s.remove_prefix(k < 3 ? n + 1 : n);
  }
  *out = ip;
  return true;
}

// The decimal exponent e of VictoriaMetrics decimal.FromFloat(f) = (v, e), f ~ v * 10^e with v
// as short as the conversion finds (what round(x, nearest) scales by).
int DecimalExponent(double f) {
  if (f == 0 || std::isinf(f)) return 0;
  uint64_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  if (bits == 0x7ff0000000000002ull) return 0;  // Prometheus staleness mark
  if (!(f > 0)) f = -f;                         // negative values and NaN
  uint64_t u = GoToUint64(f);
  if (static_cast<double>(u) == f) {
    if (u < (uint64_t{1} << 55) && u % 10 != 0) return 0;
    int scale = 0;
    while (u >= (uint64_t{1} << 55)) {
      u /= 10;
      ++scale;
    }
    if (u % 10 != 0) return scale;
    u /= 10;
    ++scale;
    while (u != 0 && u % 10 == 0) {
      u /= 10;
      ++scale;
    }
    return scale;
  }
  int scale = 0;
  double prec = 1e12;
  if (f > 1e6 || f < 1e-6) {
    if (f > 1e6) prec = 1e15;
    int exp;
    std::frexp(f, &exp);
    exp = std::clamp(exp, -1022, 1023);
    constexpr double kLog10Of2 = 0.30102999566398119521373889472449302676818988146210854131;
    scale = static_cast<int16_t>(static_cast<double>(exp) * kLog10Of2);
    f *= GoPow10(-scale);
  }
  while (f < prec) {
    double x;
    double frac = std::modf(f, &x);
    if (frac * prec < x) {
      f = x;
      break;
    }
    if ((1 - frac) * prec < x) {
      f = x + 1;
      break;
    }
    f *= 100;
    scale -= 2;
  }
  return GoToUint64(f) % 10 != 0 ? scale : scale + 1;
}

// From here to the end of GoPow every operation is Go's, one rounding each: the compiler must
// not fuse a multiply and an add into one FMA (it could when building for a CPU that has FMA).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

// round(f, nearest) as VictoriaLogs computes it.
double RoundToNearest(double f, double nearest) {
  double p10 = GoPow10(-DecimalExponent(nearest));
  f += 0.5 * std::copysign(nearest, f);
  f -= std::fmod(f, nearest);
  return std::trunc(f * p10) / p10;
}

// ---------------------------------------------------------------------------------------------
// exp, ln and ^ as VictoriaLogs computes them: Go's math.Exp and math.Log on amd64 (assembly
// routines that are not correctly rounded: Go's ln(3) is 1.0986122886681096, the C library's
// 1.0986122886681098) and Go's math.Pow, which is built on them. Reproduced operation by
// operation so results match to the last bit. Exp follows the FMA variant Go picks on CPUs with
// AVX and FMA (any x86-64 server of the last decade).

uint64_t Bits(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof(b));
  return b;
}
double FromBits(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof(x));
  return x;
}

// Go math.Exp on amd64: argument reduction by k*ln2 in two parts, a degree-8 Taylor polynomial
// on r/16, four squarings of (1+p) done as p*(p+2), then scaling by 2^k (the method of
// N. Shibata's SLEEF, public domain).
double GoExp(double x) {
  const uint64_t mag = Bits(x) & ~kHighBit;
  if (mag >= 0x7FF0000000000000ull) return x == -kInf ? 0.0 : x;  // NaN, +Inf; -Inf -> 0
  if (x > 7.09782712893384e+02) return kInf;
  constexpr double kLog2E = 1.4426950408889634073599246810018920;
  constexpr double kLn2Hi = 0.69314718055966295651160180568695068359375;
  constexpr double kLn2Lo = 0.28235290563031577122588448175013436025525412068e-12;
  // CVTSD2SL: round to nearest even; out of int32 range gives INT32_MIN.
  const double t = kLog2E * x;
  int32_t k = (t >= -2147483648.0 && t < 2147483648.0) ? static_cast<int32_t>(std::nearbyint(t))
                                                        : std::numeric_limits<int32_t>::min();
  const double kd = static_cast<double>(k);
  double r = std::fma(-kd, kLn2Hi, x);
  r = std::fma(-kd, kLn2Lo, r);
  r *= 0.0625;
  double p = 2.4801587301587301587e-5;
  p = std::fma(p, r, 1.9841269841269841270e-4);
  p = std::fma(p, r, 1.3888888888888888889e-3);
  p = std::fma(p, r, 8.3333333333333333333e-3);
  p = std::fma(p, r, 4.1666666666666666667e-2);
  p = std::fma(p, r, 1.6666666666666666667e-1);
  p = std::fma(p, r, 0.5);
  p = std::fma(p, r, 1.0);
  double e = r * p;  // exp(r) - 1
  for (int i = 0; i < 3; ++i) e *= e + 2.0;  // (1+e)^2 - 1
  e = std::fma(e, e + 2.0, 1.0);           // (1+e)^2
  const int64_t biased = static_cast<int64_t>(k) + 0x3FF;
  if (biased <= 0) {
    if (biased < -52) return 0.0;
    e *= FromBits(static_cast<uint64_t>(biased + 0x3FE) << 52);  // exact: stays normal
    return e * FromBits(uint64_t{1} << 52);                       // 2^-1022, rounds once
  }
  if (biased >= 0x7FF) return kInf;
  return e * FromBits(static_cast<uint64_t>(biased) << 52);
}

// Go math.Log on amd64: the fdlibm e_log.c method (Sun Microsystems, freely distributable):
// x = 2^k * (1+f), log(1+f) = f - hfsq + s*(hfsq+R), s = f/(2+f). Subnormal inputs are not
// normalised first, as in Go's routine.
double GoLog(double x) {
  const uint64_t b = Bits(x);
  if ((b & ~kHighBit) == 0) return -kInf;
  if (b & kHighBit) return kNaN;
  if (b >= 0x7FF0000000000000ull) return x;  // +Inf, NaN
  constexpr double kHalfSqrt2 = 7.07106781186547524401e-01;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kL1 = 6.666666666666735130e-01, kL2 = 3.999999999940941908e-01,
                   kL3 = 2.857142874366239149e-01, kL4 = 2.222219843214978396e-01,
                   kL5 = 1.818357216161805012e-01, kL6 = 1.531383769920937332e-01,
                   kL7 = 1.479819860511658591e-01;
  double f1 = FromBits((b & 0x000FFFFFFFFFFFFFull) | 0x3FE0000000000000ull);  // in [0.5, 1)
  double k = static_cast<double>(static_cast<int>((b >> 52) & 0x7FF) - 0x3FE);
  if (f1 <= kHalfSqrt2) {
    k -= 1;
    f1 *= 2;
  }
  const double f = f1 - 1;
  const double s = f / (2 + f);
  const double s2 = s * s;
  const double s4 = s2 * s2;
  const double t1 = s2 * (kL1 + s4 * (kL3 + s4 * (kL5 + s4 * kL7)));
  const double t2 = s4 * (kL2 + s4 * (kL4 + s4 * kL6));
  const double big_r = t1 + t2;
  const double hfsq = 0.5 * f * f;
  return k * kLn2Hi - ((hfsq - (s * (hfsq + big_r) + k * kLn2Lo)) - f);
}

// Go math.Ldexp: exact scaling, one rounding for subnormal results, zero below 2^-1075.
double GoLdexp(double frac, int64_t exp) {
  if (frac == 0 || std::isinf(frac) || std::isnan(frac)) return frac;
  if (std::fabs(frac) < 2.2250738585072014e-308) {
    frac *= 4503599627370496.0;  // 2^52
    exp -= 52;
  }
  uint64_t b = Bits(frac);
  exp += static_cast<int64_t>((b >> 52) & 0x7FF) - 1023;
  if (exp < -1075) return std::copysign(0.0, frac);
  if (exp > 1023) return frac < 0 ? -kInf : kInf;
  double m = 1;
  if (exp < -1022) {
    exp += 53;
    m = 1.0 / 9007199254740992.0;  // 2^-53
  }
  b &= ~(uint64_t{0x7FF} << 52);
  b |= static_cast<uint64_t>(exp + 1023) << 52;
  return m * FromBits(b);
}

bool IsOddInteger(double y) {
  double yi;
  double yf = std::modf(y, &yi);
  return yf == 0 && (GoToInt64(yi) & 1) == 1;
}

// Go math.Pow (Go 1.24): IEEE special cases, then x^frac(y) = exp(frac*ln x) and x^int(y) by
// repeated squaring of frexp(x)'s mantissa with the binary exponent kept apart.
double GoPow(double x, double y) {
  if (y == 0 || x == 1) return 1;
  if (y == 1) return x;
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  if (x == 0) {
    if (y < 0) return IsOddInteger(y) ? std::copysign(kInf, x) : kInf;
    if (y > 0) return IsOddInteger(y) ? x : 0.0;
  }
  if (std::isinf(y)) {
    if (x == -1) return 1;
    return (std::fabs(x) < 1) == (y > 0) ? 0.0 : kInf;
  }
  if (std::isinf(x)) {
    if (x < 0) return GoPow(1 / x, -y);  // (-0)^-y
    if (y < 0) return 0;
    if (y > 0) return kInf;
  }
  if (y == 0.5) return std::sqrt(x);
  if (y == -0.5) return 1 / std::sqrt(x);

  double yi;
  double yf = std::modf(std::fabs(y), &yi);
  if (yf != 0 && x < 0) return kNaN;
  if (yi >= 9223372036854775808.0) {
    if (x == -1) return 1;
    return (std::fabs(x) < 1) == (y > 0) ? 0.0 : kInf;
  }
  double a1 = 1.0;
  int64_t ae = 0;
  if (yf != 0) {
    if (yf > 0.5) {
      yf -= 1;
      yi += 1;
    }
    a1 = GoExp(yf * GoLog(x));
  }
  int xe_int;
  double x1 = std::frexp(x, &xe_int);
  int64_t xe = xe_int;
  for (auto i = static_cast<int64_t>(yi); i != 0; i >>= 1) {
    if (xe < -(1 << 12) || (1 << 12) < xe) {
      ae += xe;  // hopeless over/underflow: Ldexp settles it
      break;
    }
    if (i & 1) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return GoLdexp(a1, ae);
}

#if defined(__clang__)
#pragma clang fp contract(on)
#elif defined(__GNUC__)
#pragma GCC pop_options
#endif

// ---------------------------------------------------------------------------------------------
// Printing of field names: VictoriaLogs quoteTokenIfNeeded.

// Words VictoriaLogs quotes when printing a token: its reserved keywords, its pipe names (with
// its own spelling `pack_logmft`, so `pack_logfmt` is not quoted) and stats function names.
bool IsVLQuotedWord(std::string_view lower) {
  static const std::unordered_set<std::string_view> kWords = {
      "and", "or", "not", "now", "offset", "contains_all", "contains_any", "eq_field", "exact", "i", "in",
      "ipv4_range", "le_field", "len_range", "lt_field", "range", "re", "seq", "string_range", "value_type",
      "options",
      // pipes
      "block_stats", "blocks_count", "collapse_nums", "copy", "cp", "decolorize", "delete", "del", "rm", "drop",
      "drop_empty_fields", "extract", "extract_regexp", "facets", "field_names", "field_values", "fields", "keep",
      "filter", "where", "first", "format", "join", "json_array_len", "hash", "last", "len", "limit", "head",
      "math", "eval", "skip", "pack_json", "pack_logmft", "rename", "mv", "replace", "replace_regexp", "sample",
      "sort", "order", "stats", "stats_remote", "by", "stream_context", "top", "union", "uniq", "unpack_json",
      "unpack_logfmt", "unpack_syslog", "unpack_words", "unroll",
      // stats functions
      "avg", "count", "count_empty", "count_uniq", "count_uniq_hash", "histogram", "json_values", "max", "median",
      "min", "quantile", "rate", "rate_sum", "row_any", "row_max", "row_min", "sum", "sum_len", "uniq_values",
      "values"};
  return kWords.count(lower) > 0;
}

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Len(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

bool NeedsQuotes(std::string_view s) {
  if (s.empty() || IsVLQuotedWord(ToLowerAscii(s))) return true;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
      if (!word) return true;
      ++i;
      continue;
    }
    // Non-ASCII: VictoriaLogs asks unicode.IsLetter/IsDigit; any valid UTF-8 character counts
    // as a word character here, as in this server's lexer.
    size_t n = Utf8Len(s, i);
    if (n == 0) return true;
    i += n;
  }
  return false;
}

std::string QuoteTokenVL(std::string_view s) { return NeedsQuotes(s) ? QuoteString(s) : std::string(s); }

// ---------------------------------------------------------------------------------------------
// Operators and functions.

enum class BinOp : uint8_t { kPow, kMul, kDiv, kMod, kAdd, kSub, kAnd, kXor, kOr, kDefault };
enum class Func : uint8_t { kAbs, kCeil, kFloor, kExp, kLn, kMax, kMin, kRound, kNow, kRand };

struct BinOpInfo {
  std::string_view name;
  BinOp op;
  int priority;  // smaller binds tighter
};
constexpr BinOpInfo kBinOps[] = {
    {"^", BinOp::kPow, 1},   {"*", BinOp::kMul, 2},   {"/", BinOp::kDiv, 2},   {"%", BinOp::kMod, 2},
    {"+", BinOp::kAdd, 3},   {"-", BinOp::kSub, 3},   {"&", BinOp::kAnd, 4},   {"xor", BinOp::kXor, 5},
    {"or", BinOp::kOr, 6},   {"default", BinOp::kDefault, 10},
};

const BinOpInfo* FindBinOp(std::string_view token) {
  for (const auto& b : kBinOps) {
    if (b.name == token) return &b;
  }
  return nullptr;
}
const BinOpInfo& Info(BinOp op) { return kBinOps[static_cast<int>(op)]; }

struct FuncInfo {
  std::string_view name;
  Func func;
  size_t min_args;
  size_t max_args;
};
constexpr FuncInfo kFuncs[] = {
    {"abs", Func::kAbs, 1, 1},     {"ceil", Func::kCeil, 1, 1},   {"floor", Func::kFloor, 1, 1},
    {"exp", Func::kExp, 1, 1},     {"ln", Func::kLn, 1, 1},       {"max", Func::kMax, 2, SIZE_MAX},
    {"min", Func::kMin, 2, SIZE_MAX}, {"round", Func::kRound, 1, 2}, {"now", Func::kNow, 0, 0},
    {"rand", Func::kRand, 0, 0},
};
const FuncInfo* FindFunc(std::string_view lower) {
  for (const auto& f : kFuncs) {
    if (f.name == lower) return &f;
  }
  return nullptr;
}
const FuncInfo& Info(Func f) { return kFuncs[static_cast<int>(f)]; }

double NextRandom() {
  // xorshift64*, one stream per thread; the upper 32 bits / 2^32 as fastrand.Uint32() is used.
  thread_local uint64_t state = [] {
    std::random_device rd;
    uint64_t s = (uint64_t{rd()} << 32) ^ rd();
    return s != 0 ? s : 0x9E3779B97F4A7C15ull;
  }();
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  uint32_t r = static_cast<uint32_t>((state * 0x2545F4914F6CDD1Dull) >> 32);
  return static_cast<double>(r) / 4294967296.0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The tree.

struct MathExpr::Node {
  enum class Kind : uint8_t { kConst, kField, kBinary, kNeg, kFunc };
  Kind kind = Kind::kConst;
  BinOp op = BinOp::kAdd;
  Func func = Func::kAbs;
  bool parens = false;  // written in parentheses (binds as a unit when operators rebalance)
  bool quoted = false;  // a literal written as a quoted string
  size_t depth = 1;
  double value = 0;
  std::string text;  // literal as written, or field name
  size_t field = 0;  // index into fields_
  std::vector<std::unique_ptr<Node>> args;

  void UpdateDepth() {
    size_t d = 0;
    for (const auto& a : args) d = std::max(d, a->depth);
    depth = d + 1;
  }

  std::unique_ptr<Node> Clone() const {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->op = op;
    n->func = func;
    n->parens = parens;
    n->quoted = quoted;
    n->depth = depth;
    n->value = value;
    n->text = text;
    n->field = field;
    n->args.reserve(args.size());
    for (const auto& a : args) n->args.push_back(a->Clone());
    return n;
  }

  bool IsBinary() const { return kind == Kind::kBinary; }
  int Priority() const { return Info(op).priority; }

  void Print(bool reparseable, std::string* out) const {
    switch (kind) {
      case Kind::kConst:
        out->append(reparseable && quoted ? QuoteString(text) : text);
        return;
      case Kind::kField:
        if (reparseable && FindFunc(ToLowerAscii(text)) != nullptr) {
          out->append(QuoteString(text));
        } else {
          out->append(QuoteTokenVL(text));
        }
        return;
      case Kind::kBinary: {
        const Node& l = *args[0];
        const Node& r = *args[1];
        bool lp = l.IsBinary() && l.Priority() > Priority();
        bool rp = r.IsBinary() && (reparseable ? !RightBare(r, Priority()) : r.Priority() >= Priority());
        if (lp) out->push_back('(');
        l.Print(reparseable, out);
        if (lp) out->push_back(')');
        out->push_back(' ');
        out->append(Info(op).name);
        out->push_back(' ');
        if (rp) out->push_back('(');
        r.Print(reparseable, out);
        if (rp) out->push_back(')');
        return;
      }
      case Kind::kNeg: {
        const Node& a = *args[0];
        out->push_back('-');
        if (a.IsBinary()) out->push_back('(');
        a.Print(reparseable, out);
        if (a.IsBinary()) out->push_back(')');
        return;
      }
      case Kind::kFunc:
        out->append(Info(func).name);
        out->push_back('(');
        for (size_t i = 0; i < args.size(); ++i) {
          if (i > 0) out->append(", ");
          args[i]->Print(reparseable, out);
        }
        out->push_back(')');
        return;
    }
  }

  // Whether binary node `r`, the right operand of an operator of priority p, can be printed
  // without parentheses and still read back as the same tree. VictoriaLogs omits them whenever
  // r binds tighter, but its parser only rebalances at the top of the tree, so the operators of
  // a bare right operand are re-attached to it one after another, left to right: that gives r
  // back only when r is such a left-leaning chain of operators all tighter than p, each with a
  // single operand on its right. (`a or b xor (c - d)`: VictoriaLogs prints
  // `a or b xor c - d`, which reads back as `a or ((b xor c) - d)`.)
  static bool RightBare(const Node& r, int p) {
    if (r.Priority() >= p) return false;
    for (const Node* n = &r;;) {
      const Node& right = *n->args[1];
      if (right.IsBinary() && RightBare(right, n->Priority())) return false;  // printed bare: not one operand
      const Node& left = *n->args[0];
      if (!left.IsBinary() || left.Priority() > n->Priority()) return true;  // an operand or in parentheses
      n = &left;  // printed bare: part of the same chain (and tighter than p, as n is)
    }
  }

  // Row arrays of scratch space Compute() needs below this node (the first argument is
  // computed into the node's own output, each later one into a scratch array).
  size_t ScratchNeeded() const {
    size_t need = 0;
    for (size_t i = 0; i < args.size(); ++i) need = std::max(need, (i > 0 ? 1 : 0) + args[i]->ScratchNeeded());
    return need;
  }
};

namespace {

using Node = MathExpr::Node;

// An expression or token quoted in an error message, cut short.
std::string Clip(std::string s) {
  constexpr size_t kMax = 200;
  if (s.size() > kMax) {
    s.resize(kMax);
    s += "...";
  }
  return s;
}

std::string Describe(const Node& n) {
  std::string s;
  n.Print(false, &s);
  return Clip(std::move(s));
}

// ---------------------------------------------------------------------------------------------
// Parser over this server's LogsQL tokens.

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> toks, std::vector<std::string>* fields)
      : text_(text), t_(std::move(toks)), fields_(fields) {}

  std::unique_ptr<Node> ParseExpr() {
    auto left = ParseOperand();
    if (!left) return nullptr;
    for (;;) {
      const BinOpInfo* bo = Cur().kind == Token::Kind::kEnd ? nullptr : FindBinOp(Cur().text);
      if (bo == nullptr) return left;
      size_t op_pos = Cur().pos;
      Next();
      auto right = ParseOperand();
      if (!right) return nullptr;
      auto node = std::make_unique<Node>();
      node->kind = Node::Kind::kBinary;
      node->op = bo->op;
      if (!left->parens && left->IsBinary() && left->Priority() > bo->priority) {
        // The new operator binds tighter than the top of the tree so far: it takes that
        // operator's right operand (one level only, as VictoriaLogs does).
        node->args.push_back(std::move(left->args[1]));
        node->args.push_back(std::move(right));
        node->UpdateDepth();
        left->args[1] = std::move(node);
        left->UpdateDepth();
        node = std::move(left);
      } else {
        node->args.push_back(std::move(left));
        node->args.push_back(std::move(right));
        node->UpdateDepth();
      }
      if (node->depth > kMaxMathExprDepth) return TooDeep(op_pos);
      left = std::move(node);
    }
  }

  const Status& status() const { return status_; }
  size_t error_pos() const { return error_pos_; }
  // Bytes consumed so far (end of the last token read).
  size_t consumed() const { return last_end_; }

 private:
  const Token& Cur() const { return t_[i_]; }
  void Next() {
    last_end_ = Cur().end;
    if (i_ + 1 < t_.size()) ++i_;
  }
  bool AtEnd() const { return Cur().kind == Token::Kind::kEnd; }
  bool IsPunct(std::string_view p) const { return Cur().IsPunct(p); }
  std::string_view Raw(const Token& t) const { return text_.substr(t.pos, t.end - t.pos); }
  std::string Shown() const {
    if (AtEnd()) return "end of text";
    return "\"" + Clip(std::string(Raw(Cur()))) + "\"";
  }

  std::nullptr_t Fail(size_t pos, std::string what) {
    if (status_.ok()) {
      status_ = Status::InvalidArgument(what + " at byte offset " + std::to_string(pos));
      error_pos_ = pos;
    }
    return nullptr;
  }
  std::nullptr_t TooDeep(size_t pos) {
    return Fail(pos, "math expression is nested deeper than " + std::to_string(kMaxMathExprDepth) + " levels");
  }

  // Nesting of the recursive descent (parentheses, function arguments, unary minus).
  struct Nest {
    explicit Nest(Parser* p) : p_(p) { ++p_->nesting_; }
    ~Nest() { --p_->nesting_; }
    Parser* p_;
  };

  // Recursion runs through ParseExpr -> ParseOperand -> (ParseExpr | ParseFunc -> ParseExpr);
  // leaves and error texts are built in separate functions to keep these frames small.
  std::unique_ptr<Node> ParseOperand() {
    while (IsPunct("+")) Next();  // unary plus is dropped
    if (nesting_ >= kMaxMathExprDepth) return TooDeep(Cur().pos);
    Nest nest(this);
    if (IsPunct("(")) {
      Next();
      auto e = ParseExpr();
      if (!e) return nullptr;
      if (!IsPunct(")")) return FailAfter("missing ')' instead of ", *e, "");
      Next();
      e->parens = true;
      return e;
    }
    if (Cur().kind == Token::Kind::kBare) {
      if (const FuncInfo* fi = FindFunc(ToLowerAscii(Cur().text))) return ParseFunc(*fi);
    }
    if (IsPunct("-")) {
      size_t pos = Cur().pos;
      Next();
      auto arg = ParseOperand();
      if (!arg) return nullptr;
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kNeg;
      n->args.push_back(std::move(arg));
      n->UpdateDepth();
      if (n->depth > kMaxMathExprDepth) return TooDeep(pos);
      return n;
    }
    return ParseLeaf();
  }

  std::unique_ptr<Node> ParseFunc(const FuncInfo& fi) {
    size_t pos = Cur().pos;
    Next();
    if (!IsPunct("(")) return FailNoParen(fi);
    Next();
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kFunc;
    n->func = fi.func;
    for (;;) {
      if (IsPunct(")")) {
        Next();
        break;
      }
      auto arg = ParseExpr();
      if (!arg) return nullptr;
      n->args.push_back(std::move(arg));
      if (IsPunct(",")) {
        Next();
      } else if (!IsPunct(")")) {
        return FailAfter("unexpected ", *n->args.back(), " in the args of '" + std::string(fi.name) + "'; want ',' or ')'");
      }
    }
    n->UpdateDepth();
    if (n->depth > kMaxMathExprDepth) return TooDeep(pos);
    size_t k = n->args.size();
    if (k < fi.min_args || k > fi.max_args) return FailArgCount(fi, *n, pos);
    return n;
  }

  // A field name or a numeric literal.
  [[gnu::noinline]] std::unique_ptr<Node> ParseLeaf() {
    size_t pos = Cur().pos;
    bool number = IsNumberPrefix(Cur().text);
    bool quoted = Cur().kind == Token::Kind::kQuoted;
    std::string word;
    if (!ReadCompound(&word, &quoted)) return nullptr;
    auto n = std::make_unique<Node>();
    if (number) {
      n->kind = Node::Kind::kConst;
      n->value = MathValue(word);
      n->text = std::move(word);
      n->quoted = quoted;
      if (std::isnan(n->value)) return Fail(pos, "cannot parse number from " + QuoteString(Clip(n->text)));
      return n;
    }
    if (word.empty()) word = "_msg";  // a quoted "" names the message field
    n->kind = Node::Kind::kField;
    auto [it, added] = field_index_.try_emplace(word, fields_->size());
    if (added) fields_->push_back(word);
    n->field = it->second;
    n->text = std::move(word);
    return n;
  }

  [[gnu::noinline]] std::nullptr_t FailAfter(const char* head, const Node& after, const std::string& tail) {
    return Fail(Cur().pos, head + Shown() + " after [" + Describe(after) + "]" + tail);
  }
  [[gnu::noinline]] std::nullptr_t FailNoParen(const FuncInfo& fi) {
    return Fail(Cur().pos, "missing '(' after '" + std::string(fi.name) + "' instead of " + Shown());
  }
  [[gnu::noinline]] std::nullptr_t FailArgCount(const FuncInfo& fi, const Node& n, size_t pos) {
    std::string want = fi.max_args == 0               ? "no args"
                       : fi.min_args == fi.max_args   ? "one arg"
                       : fi.max_args == SIZE_MAX      ? "at least 2 args"
                                                      : "1 or 2 args";
    return Fail(pos, "'" + std::string(fi.name) + "' function needs " + want + "; got " +
                         std::to_string(n.args.size()) + " args: [" + Describe(n) + "]");
  }

  static bool IsStop(const Token& t) {
    if (t.kind == Token::Kind::kEnd) return true;
    if (t.kind != Token::Kind::kPunct) return false;
    static constexpr std::string_view kStops[] = {"=", "+", "-", "*", "/", "%", "^", ",", ")", "|", "!"};
    return std::find(std::begin(kStops), std::end(kStops), t.text) != std::end(kStops);
  }

  // A field name or literal: a token plus the tokens glued to it (no whitespace between) up to
  // whitespace, an operator sign, `,` `)` `|` `=` `!` or the end. One quoted token alone gives
  // its value; glued pieces keep their source text (quotes included).
  bool ReadCompound(std::string* out, bool* quoted_alone) {
    if (IsStop(Cur())) {
      if (AtEnd()) {
        Fail(Cur().pos, "missing operand at end of text");
      } else {
        Fail(Cur().pos, "unexpected " + Shown() + "; expecting a field name, a number, a function or '('");
      }
      return false;
    }
    std::string value = Cur().text;
    std::string raw(Raw(Cur()));
    Next();
    bool glued = false;
    while (!Cur().space_before && !IsStop(Cur())) {
      raw += Raw(Cur());
      glued = true;
      Next();
    }
    if (glued) *quoted_alone = false;
    *out = glued ? std::move(raw) : std::move(value);
    return true;
  }

  std::string_view text_;
  std::vector<Token> t_;
  std::vector<std::string>* fields_;
  std::unordered_map<std::string, size_t> field_index_;  // position in *fields_
  size_t i_ = 0;
  size_t last_end_ = 0;
  size_t nesting_ = 0;
  Status status_;
  size_t error_pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Evaluation.

// A computed column: an array of rows, or one value for every row.
struct Column {
  const double* p = nullptr;
  double c = 0;
  double At(size_t i) const { return p != nullptr ? p[i] : c; }
};

template <typename F>
void Apply1(Column a, double* out, size_t n, F f) {
  if (a.p == nullptr) {
    std::fill(out, out + n, f(a.c));
    return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = f(a.p[i]);
}

template <typename F>
void Apply2(Column a, Column b, double* out, size_t n, F f) {
  if (a.p != nullptr && b.p != nullptr) {
    for (size_t i = 0; i < n; ++i) out[i] = f(a.p[i], b.p[i]);
  } else if (a.p != nullptr) {
    const double y = b.c;
    for (size_t i = 0; i < n; ++i) out[i] = f(a.p[i], y);
  } else if (b.p != nullptr) {
    const double x = a.c;
    for (size_t i = 0; i < n; ++i) out[i] = f(x, b.p[i]);
  } else {
    std::fill(out, out + n, f(a.c, b.c));
  }
}

double ModVL(double x, double y) {
  // Integral operands in int64 range use integer %, others fmod. VictoriaLogs panics on an
  // integer division by zero; that gives NaN here, as fmod(x, 0) does.
  if (x >= -kTwo63 && x < kTwo63 && y >= -kTwo63 && y < kTwo63 && x == std::trunc(x) && y == std::trunc(y)) {
    auto xi = static_cast<int64_t>(x);
    auto yi = static_cast<int64_t>(y);
    if (yi == 0) return kNaN;
    if (yi == -1) return 0;  // Go: x % -1 == 0, also for INT64_MIN
    return static_cast<double>(xi % yi);
  }
  return std::fmod(x, y);
}

template <typename F>
double Bitwise(double x, double y, F f) {
  if (std::isnan(x) || std::isnan(y)) return kNaN;
  return static_cast<double>(f(GoToUint64(x), GoToUint64(y)));
}

struct EvalContext {
  const std::vector<const double*>* inputs;
  size_t rows;
  double* scratch;  // rows * n arrays
};

// Computes `n` for all rows: into `out` (rows long) unless the result is an input array or a
// single value. `scratch` is the first free scratch array.
Column Compute(const Node& n, double* out, double* scratch, const EvalContext& ctx) {
  const size_t rows = ctx.rows;
  switch (n.kind) {
    case Node::Kind::kConst:
      return Column{nullptr, n.value};
    case Node::Kind::kField:
      return Column{(*ctx.inputs)[n.field], 0};
    case Node::Kind::kNeg: {
      Column a = Compute(*n.args[0], out, scratch, ctx);
      Apply1(a, out, rows, [](double x) { return -x; });
      return Column{out, 0};
    }
    case Node::Kind::kBinary: {
      Column a = Compute(*n.args[0], out, scratch, ctx);
      Column b = Compute(*n.args[1], scratch, scratch + rows, ctx);
      switch (n.op) {
        case BinOp::kPow: Apply2(a, b, out, rows, GoPow); break;
        case BinOp::kMul: Apply2(a, b, out, rows, [](double x, double y) { return x * y; }); break;
        case BinOp::kDiv: Apply2(a, b, out, rows, [](double x, double y) { return x / y; }); break;
        case BinOp::kMod: Apply2(a, b, out, rows, ModVL); break;
        case BinOp::kAdd: Apply2(a, b, out, rows, [](double x, double y) { return x + y; }); break;
        case BinOp::kSub: Apply2(a, b, out, rows, [](double x, double y) { return x - y; }); break;
        case BinOp::kAnd:
          Apply2(a, b, out, rows, [](double x, double y) { return Bitwise(x, y, [](uint64_t p, uint64_t q) { return p & q; }); });
          break;
        case BinOp::kXor:
          Apply2(a, b, out, rows, [](double x, double y) { return Bitwise(x, y, [](uint64_t p, uint64_t q) { return p ^ q; }); });
          break;
        case BinOp::kOr:
          Apply2(a, b, out, rows, [](double x, double y) { return Bitwise(x, y, [](uint64_t p, uint64_t q) { return p | q; }); });
          break;
        case BinOp::kDefault:
          Apply2(a, b, out, rows, [](double x, double y) { return std::isnan(x) ? y : x; });
          break;
      }
      return Column{out, 0};
    }
    case Node::Kind::kFunc:
      break;
  }
  switch (n.func) {
    case Func::kNow:
      return Column{nullptr, static_cast<double>(NowNanos())};
    case Func::kRand:
      for (size_t i = 0; i < rows; ++i) out[i] = NextRandom();
      return Column{out, 0};
    case Func::kMax:
    case Func::kMin: {
      // Left to right, a value replaces the running one when that is NaN or it is larger
      // (smaller): NaN arguments are skipped unless all are NaN.
      const bool is_max = n.func == Func::kMax;
      Column acc = Compute(*n.args[0], out, scratch, ctx);
      for (size_t k = 1; k < n.args.size(); ++k) {
        Column b = Compute(*n.args[k], scratch, scratch + rows, ctx);
        if (is_max) {
          Apply2(acc, b, out, rows, [](double x, double y) { return std::isnan(x) || y > x ? y : x; });
        } else {
          Apply2(acc, b, out, rows, [](double x, double y) { return std::isnan(x) || y < x ? y : x; });
        }
        acc = Column{out, 0};
      }
      if (acc.p != out) Apply1(acc, out, rows, [](double x) { return x; });
      return Column{out, 0};
    }
    case Func::kRound:
      if (n.args.size() == 2) {
        Column a = Compute(*n.args[0], out, scratch, ctx);
        Column b = Compute(*n.args[1], scratch, scratch + rows, ctx);
        Apply2(a, b, out, rows, RoundToNearest);
        return Column{out, 0};
      }
      break;
    default:
      break;
  }
  Column a = Compute(*n.args[0], out, scratch, ctx);
  switch (n.func) {
    case Func::kAbs: Apply1(a, out, rows, [](double x) { return std::fabs(x); }); break;
    case Func::kCeil: Apply1(a, out, rows, [](double x) { return std::ceil(x); }); break;
    case Func::kFloor: Apply1(a, out, rows, [](double x) { return std::floor(x); }); break;
    case Func::kExp: Apply1(a, out, rows, GoExp); break;
    case Func::kLn: Apply1(a, out, rows, GoLog); break;
    case Func::kRound: Apply1(a, out, rows, [](double x) { return std::round(x); }); break;
    default: break;
  }
  return Column{out, 0};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

MathExpr::MathExpr() = default;
MathExpr::~MathExpr() = default;

vl::Result<std::unique_ptr<MathExpr>> MathExpr::Parse(std::string_view text, size_t* consumed) {
  auto lexed = Lex(text);
  if (!lexed.ok()) {
    // A quoting error: restate the lexer's "...]: <what> at position <N>" (1-based) in this
    // function's terms.
    const std::string& msg = lexed.status().message();
    size_t at = msg.rfind(" at position ");
    size_t start = msg.find("]: ");
    size_t pos = 0;
    if (at != std::string::npos && start != std::string::npos && start < at) {
      std::string_view digits = std::string_view(msg).substr(at + 13);
      std::from_chars(digits.data(), digits.data() + digits.size(), pos);
      pos = pos > 0 ? pos - 1 : 0;
      if (consumed != nullptr) *consumed = pos;
      return Status::InvalidArgument(msg.substr(start + 3, at - start - 3) + " at byte offset " + std::to_string(pos));
    }
    if (consumed != nullptr) *consumed = 0;
    return lexed.status();
  }
  // This server's lexer reads `>=` and `<=` as one token, VictoriaLogs as two (and `=` ends a
  // math operand), so split them back.
  std::vector<Token> toks;
  toks.reserve(lexed->size());
  for (Token& t : *lexed) {
    if (t.kind == Token::Kind::kPunct && (t.text == ">=" || t.text == "<=")) {
      Token first = t;
      first.text.resize(1);
      first.end = t.pos + 1;
      Token second = t;
      second.text = "=";
      second.pos = t.pos + 1;
      second.space_before = false;
      toks.push_back(std::move(first));
      toks.push_back(std::move(second));
    } else {
      toks.push_back(std::move(t));
    }
  }
  auto expr = std::make_unique<MathExpr>();
  Parser p(text, std::move(toks), &expr->fields_);
  expr->root_ = p.ParseExpr();
  if (!expr->root_) {
    if (consumed != nullptr) *consumed = p.error_pos();
    return p.status();
  }
  if (consumed != nullptr) *consumed = p.consumed();
  expr->scratch_arrays_ = expr->root_->ScratchNeeded();
  return expr;
}

std::unique_ptr<MathExpr> MathExpr::Clone() const {
  auto c = std::make_unique<MathExpr>();
  if (root_) c->root_ = root_->Clone();
  c->fields_ = fields_;
  c->scratch_arrays_ = scratch_arrays_;
  return c;
}

std::string MathExpr::String() const {
  std::string s;
  if (root_) root_->Print(false, &s);
  return s;
}

std::string MathExpr::ReparseableString() const {
  std::string s;
  if (root_) root_->Print(true, &s);
  return s;
}

std::string MathExpr::EntryString(std::string_view result_name) const {
  std::string s;
  bool wrap = root_ && root_->IsBinary();
  if (wrap) s.push_back('(');
  // The pipe's text is parsed again (by storage nodes, by round trips): it must read back.
  s += ReparseableString();
  if (wrap) s.push_back(')');
  s += " as ";
  s += QuoteTokenVL(result_name);
  return s;
}

void MathExpr::Eval(const std::vector<const double*>& inputs, size_t rows, double* out) const {
  if (rows == 0 || !root_) return;
  std::unique_ptr<double[]> scratch;
  if (scratch_arrays_ > 0) scratch.reset(new double[scratch_arrays_ * rows]);
  EvalContext ctx{&inputs, rows, scratch.get()};
  Column r = Compute(*root_, out, scratch.get(), ctx);
  if (r.p == nullptr) {
    std::fill(out, out + rows, r.c);
  } else if (r.p != out) {
    std::memcpy(out, r.p, rows * sizeof(double));
  }
}

double MathValue(std::string_view text) {
  double f;
  if (ParseNumberVL(text, &f)) return f;
  int64_t ns;
  if (ParseTimestampVL(text, &ns)) return static_cast<double>(ns);
  uint32_t ip;
  if (ParseIPv4VL(text, &ip)) return static_cast<double>(ip);
  return kNaN;
}

void AppendMathResult(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
    return;
  }
  // Shortest round-trip digits (as Go's AppendFloat(v, 'f', -1, 64)), laid out without an
  // exponent. std::to_chars(fixed) would print the exact binary value of large numbers instead
  // of the shortest digits padded with zeros, so the layout is done here.
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  (void)ec;
  std::string_view sci(buf, static_cast<size_t>(end - buf));
  if (sci[0] == '-') {
    out->push_back('-');
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  std::string_view mant = sci.substr(0, e_pos);
  int exp10 = 0;
  std::string_view e_text = sci.substr(e_pos + 1);
  if (!e_text.empty() && e_text[0] == '+') e_text.remove_prefix(1);
  std::from_chars(e_text.data(), e_text.data() + e_text.size(), exp10);
  std::string digits;
  digits.reserve(mant.size());
  for (char c : mant) {
    if (c != '.') digits.push_back(c);
  }
  const int nd = static_cast<int>(digits.size());
  if (exp10 >= nd - 1) {  // an integer
    out->append(digits);
    out->append(static_cast<size_t>(exp10 - (nd - 1)), '0');
  } else if (exp10 >= 0) {
    out->append(digits, 0, static_cast<size_t>(exp10 + 1));
    out->push_back('.');
    out->append(digits, static_cast<size_t>(exp10 + 1), std::string::npos);
  } else {
    out->append("0.");
    out->append(static_cast<size_t>(-exp10 - 1), '0');
    out->append(digits);
  }
}

}  // namespace vl::logsql::pipes
