// Typed column bodies. Layout after the encoding byte:
//   varint flags (bit 0: a presence bitmap of ceil(rows/8) bytes follows; absent rows are "")
//   then the values of the present rows:
//   uint8/16/32/64: fixed width little endian      int64: zigzag varints
//   float64: varint k, zigzag varint mantissas (value = mantissa / 10^k, printed with k decimals)
//   ipv4: 4 bytes big endian                       iso8601: varint fraction digits, zigzag deltas (ns)
// Every candidate value is parsed and printed back; a type is used only when all values match
// their printed form byte for byte.
#include "vl/storage/column_typed.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "vl/common/civil_date.h"
#include "vl/storage/format.h"

namespace vl::storage {

void NumericRange::Add(double v) {
  if (!valid) {
    valid = true;
    min = max = v;
    return;
  }
  min = std::min(min, v);
  max = std::max(max, v);
}

bool ParsePlainNumber(std::string_view s, double* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && !std::isnan(*v);
}

NumericRange ComputeNumericRange(const std::vector<std::string_view>& values) {
  NumericRange r;
  std::string_view prev;
  bool has_prev = false;
  for (auto s : values) {
    if (s.empty() || (has_prev && s == prev)) continue;
    double v;
    if (!ParsePlainNumber(s, &v)) return NumericRange{};
    r.Add(v);
    prev = s;
    has_prev = true;
  }
  return r;
}

namespace {

// ---- printing (the canonical forms) ----

void AppendU64(uint64_t v, std::string* out) {
  char b[24];
  auto [p, ec] = std::to_chars(b, b + sizeof(b), v);
  out->append(b, p);
}

void AppendI64(int64_t v, std::string* out) {
  char b[24];
  auto [p, ec] = std::to_chars(b, b + sizeof(b), v);
  out->append(b, p);
}

void AppendDecimal(int64_t m, uint32_t k, std::string* out) {
  char digits[24];
  uint64_t a = m < 0 ? 0 - static_cast<uint64_t>(m) : static_cast<uint64_t>(m);
  auto [p, ec] = std::to_chars(digits, digits + sizeof(digits), a);
  std::string_view d(digits, p - digits);
  if (m < 0) out->push_back('-');
  if (d.size() <= k) {
    out->append("0.");
    out->append(k - d.size(), '0');
    out->append(d);
  } else {
    out->append(d.substr(0, d.size() - k));
    out->push_back('.');
    out->append(d.substr(d.size() - k));
  }
}

void AppendIPv4(uint32_t ip, std::string* out) {
  for (int i = 3; i >= 0; i--) {
    AppendU64((ip >> (i * 8)) & 0xff, out);
    if (i) out->push_back('.');
  }
}

constexpr int64_t kNs = 1'000'000'000;

void AppendISO(int64_t ns, uint32_t frac, std::string* out) {
  int64_t secs = ns / kNs, sub = ns % kNs;
  if (sub < 0) sub += kNs, secs--;
  int64_t days = secs / 86400, sod = secs % 86400;
  if (sod < 0) sod += 86400, days--;
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char b[48];
  int n = std::snprintf(b, sizeof(b), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", (long long)y,
                        (long long)m, (long long)d, (long long)(sod / 3600),
                        (long long)(sod / 60 % 60), (long long)(sod % 60));
  out->append(b, n);
  if (frac) {
    n = std::snprintf(b, sizeof(b), ".%09lld", (long long)sub);
    out->append(b, 1 + frac);
  }
  out->push_back('Z');
}

// ---- parsing (lenient; the round trip decides) ----

bool ParseU64(std::string_view s, uint64_t* v) {
  if (s.empty() || s.size() > 20 || s[0] < '0' || s[0] > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseI64(std::string_view s, int64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseDecimal(std::string_view s, int64_t* m, uint32_t* k) {
  size_t dot = s.find('.');
  if (dot == std::string_view::npos || dot + 1 >= s.size() || s.size() > 20) return false;
  std::string digits(s.substr(0, dot));
  digits.append(s.substr(dot + 1));
  *k = static_cast<uint32_t>(s.size() - dot - 1);
  return ParseI64(digits, m);
}

bool ParseIPv4(std::string_view s, uint32_t* ip) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    size_t end = i < 3 ? s.find('.') : s.size();
    if (end == std::string_view::npos || end == 0 || end > 3) return false;
    uint64_t o;
    if (!ParseU64(s.substr(0, end), &o) || o > 255) return false;
    v = (v << 8) | static_cast<uint32_t>(o);
    s.remove_prefix(i < 3 ? end + 1 : end);
  }
  *ip = v;
  return true;
}

bool ParseISO(std::string_view s, int64_t* ns, uint32_t* frac) {
  if (s.size() < 20 || s.back() != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':')
    return false;
  auto num = [&](size_t pos, size_t n, int64_t* v) {
    uint64_t u;
    if (!ParseU64(s.substr(pos, n), &u)) return false;
    *v = static_cast<int64_t>(u);
    return true;
  };
  int64_t y, mo, d, h, mi, se, sub = 0;
  if (!num(0, 4, &y) || !num(5, 2, &mo) || !num(8, 2, &d) || !num(11, 2, &h) ||
      !num(14, 2, &mi) || !num(17, 2, &se))
    return false;
  *frac = 0;
  if (s.size() > 20) {
    if (s[19] != '.') return false;
    *frac = static_cast<uint32_t>(s.size() - 21);
    if (*frac != 3 && *frac != 6 && *frac != 9) return false;
    if (!num(20, *frac, &sub)) return false;
    for (uint32_t i = *frac; i < 9; i++) sub *= 10;
  }
  if (y > 9999) return false;
  *ns = ((DaysFromCivil(y, static_cast<int>(mo), static_cast<int>(d)) * 86400 + h * 3600 + mi * 60 + se) * kNs) + sub;
  return true;
}

// ---- encoders: each returns false as soon as a value does not fit ----

struct Present {
  size_t count = 0;
  bool any_empty = false;
};

Present CountPresent(const std::vector<std::string_view>& values) {
  Present p;
  for (auto v : values) {
    if (v.empty()) p.any_empty = true;
    else p.count++;
  }
  return p;
}

void PutHeader(ColumnEncoding enc, const std::vector<std::string_view>& values, bool any_empty,
               std::string* raw) {
  raw->push_back(static_cast<char>(enc));
  PutVarint(raw, any_empty ? 1 : 0);
  if (!any_empty) return;
  std::string bits((values.size() + 7) / 8, '\0');
  for (size_t i = 0; i < values.size(); i++)
    if (!values[i].empty()) bits[i >> 3] |= static_cast<char>(1 << (i & 7));
  raw->append(bits);
}

bool RoundTrips(std::string_view s, std::string* scratch) { return *scratch == s; }

bool TryUint(const std::vector<std::string_view>& values, bool any_empty, std::string* raw,
             NumericRange* range) {
  std::vector<uint64_t> nums;
  nums.reserve(values.size());
  uint64_t max = 0;
  std::string tmp;
  for (auto s : values) {
    if (s.empty()) continue;
    uint64_t v;
    if (!ParseU64(s, &v)) return false;
    tmp.clear();
    AppendU64(v, &tmp);
    if (!RoundTrips(s, &tmp)) return false;
    nums.push_back(v);
    max = std::max(max, v);
    range->Add(static_cast<double>(v));
  }
  int width = max <= 0xff ? 1 : max <= 0xffff ? 2 : max <= 0xffffffffu ? 4 : 8;
  auto enc = width == 1 ? ColumnEncoding::kUint8
             : width == 2 ? ColumnEncoding::kUint16
             : width == 4 ? ColumnEncoding::kUint32
                          : ColumnEncoding::kUint64;
  PutHeader(enc, values, any_empty, raw);
  for (uint64_t v : nums) {
    char b[8];
    std::memcpy(b, &v, 8);  // little endian hosts only, as the rest of the format
    raw->append(b, width);
  }
  return true;
}

bool TryInt(const std::vector<std::string_view>& values, bool any_empty, std::string* raw,
            NumericRange* range) {
  std::string body, tmp;
  for (auto s : values) {
    if (s.empty()) continue;
    int64_t v;
    if (!ParseI64(s, &v)) return false;
    tmp.clear();
    AppendI64(v, &tmp);
    if (!RoundTrips(s, &tmp)) return false;
    PutZigzag(&body, v);
    range->Add(static_cast<double>(v));
  }
  PutHeader(ColumnEncoding::kInt64, values, any_empty, raw);
  raw->append(body);
  return true;
}

bool TryDecimal(const std::vector<std::string_view>& values, bool any_empty, std::string* raw,
                NumericRange* range) {
  std::string body, tmp;
  uint32_t k0 = 0;
  bool first = true;
  for (auto s : values) {
    if (s.empty()) continue;
    int64_t m;
    uint32_t k;
    if (!ParseDecimal(s, &m, &k) || (!first && k != k0)) return false;
    first = false;
    k0 = k;
    tmp.clear();
    AppendDecimal(m, k, &tmp);
    if (!RoundTrips(s, &tmp)) return false;
    PutZigzag(&body, m);
    // The plain-number reading of the text, so range filters agree with it exactly.
    double v;
    if (!ParsePlainNumber(s, &v)) return false;
    range->Add(v);
  }
  PutHeader(ColumnEncoding::kFloat64, values, any_empty, raw);
  PutVarint(raw, k0);
  raw->append(body);
  return true;
}

bool TryIPv4(const std::vector<std::string_view>& values, bool any_empty, std::string* raw) {
  std::string body, tmp;
  for (auto s : values) {
    if (s.empty()) continue;
    uint32_t ip;
    if (!ParseIPv4(s, &ip)) return false;
    tmp.clear();
    AppendIPv4(ip, &tmp);
    if (!RoundTrips(s, &tmp)) return false;
    for (int i = 3; i >= 0; i--) body.push_back(static_cast<char>((ip >> (i * 8)) & 0xff));
  }
  PutHeader(ColumnEncoding::kIPv4, values, any_empty, raw);
  raw->append(body);
  return true;
}

bool TryISO(const std::vector<std::string_view>& values, bool any_empty, std::string* raw) {
  std::string body, tmp;
  uint32_t f0 = 0;
  bool first = true;
  int64_t prev = 0;
  for (auto s : values) {
    if (s.empty()) continue;
    int64_t ns;
    uint32_t f;
    if (!ParseISO(s, &ns, &f) || (!first && f != f0)) return false;
    first = false;
    f0 = f;
    tmp.clear();
    AppendISO(ns, f, &tmp);
    if (!RoundTrips(s, &tmp)) return false;
    PutZigzag(&body, static_cast<int64_t>(static_cast<uint64_t>(ns) - static_cast<uint64_t>(prev)));
    prev = ns;
  }
  PutHeader(ColumnEncoding::kISO8601, values, any_empty, raw);
  PutVarint(raw, f0);
  raw->append(body);
  return true;
}

}  // namespace

bool EncodeTyped(const std::vector<std::string_view>& values, std::string* raw, NumericRange* range) {
  std::string_view first;
  for (auto v : values)
    if (!v.empty()) {
      first = v;
      break;
    }
  if (first.empty()) return false;
  Present p = CountPresent(values);
  const size_t start = raw->size();
  auto attempt = [&](auto&& fn) {
    *range = NumericRange{};
    if (fn()) return true;
    raw->resize(start);
    return false;
  };
  // The first value picks the candidates, so a column of words costs one failed parse.
  const char c = first[0];
  if ((c >= '0' && c <= '9') || c == '-') {
    if (attempt([&] { return TryUint(values, p.any_empty, raw, range); })) return true;
    if (attempt([&] { return TryInt(values, p.any_empty, raw, range); })) return true;
    if (attempt([&] { return TryDecimal(values, p.any_empty, raw, range); })) return true;
    if (attempt([&] { return TryIPv4(values, p.any_empty, raw); })) return true;
    if (attempt([&] { return TryISO(values, p.any_empty, raw); })) return true;
  }
  *range = NumericRange{};
  return false;
}

bool DecodeTypedNumbers(ColumnEncoding enc, std::string_view body, size_t rows,
                        std::vector<double>* out) {
  if (enc < ColumnEncoding::kUint8 || enc > ColumnEncoding::kFloat64) return false;
  ByteReader r(body);
  uint64_t flags;
  if (!r.Varint(&flags)) return false;
  std::string_view bits;
  if ((flags & 1) && !r.Bytes((rows + 7) / 8, &bits)) return false;
  uint64_t param = 0;
  if (enc == ColumnEncoding::kFloat64 && (!r.Varint(&param) || param > 18)) return false;
  // m / 10^k is correctly rounded, like from_chars on the text, when both are exact doubles.
  static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                      1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  const double scale = kPow10[param];
  constexpr int64_t kExact = int64_t{1} << 53;
  out->assign(rows, std::numeric_limits<double>::quiet_NaN());
  size_t w = enc == ColumnEncoding::kUint8    ? 1
             : enc == ColumnEncoding::kUint16 ? 2
             : enc == ColumnEncoding::kUint32 ? 4
                                              : 8;
  for (size_t i = 0; i < rows; i++) {
    if (!bits.empty() && !((bits[i >> 3] >> (i & 7)) & 1)) continue;
    if (enc == ColumnEncoding::kInt64 || enc == ColumnEncoding::kFloat64) {
      int64_t v;
      if (!r.Zigzag(&v)) return false;
      if (enc == ColumnEncoding::kFloat64) {
        if (v > kExact || v < -kExact) return false;
        // "-0.000" reads as -0.0; comparisons treat it like 0.
        (*out)[i] = static_cast<double>(v) / scale;
      } else {
        (*out)[i] = static_cast<double>(v);
      }
    } else {
      std::string_view b;
      if (!r.Bytes(w, &b)) return false;
      uint64_t v = 0;
      std::memcpy(&v, b.data(), w);
      (*out)[i] = static_cast<double>(v);
    }
  }
  return true;
}

bool DecodeTyped(ColumnEncoding enc, std::string_view body, size_t rows, std::string* buf,
                 std::vector<std::string_view>* values) {
  ByteReader r(body);
  uint64_t flags;
  if (!r.Varint(&flags)) return false;
  std::string_view bits;
  if ((flags & 1) && !r.Bytes((rows + 7) / 8, &bits)) return false;
  auto present = [&](size_t i) { return bits.empty() || (bits[i >> 3] >> (i & 7)) & 1; };
  uint64_t param = 0;
  if ((enc == ColumnEncoding::kFloat64 || enc == ColumnEncoding::kISO8601) &&
      (!r.Varint(&param) || param > 18))
    return false;
  buf->clear();
  std::vector<uint32_t> ends(rows);
  int64_t prev = 0;
  for (size_t i = 0; i < rows; i++) {
    if (present(i)) {
      switch (enc) {
        case ColumnEncoding::kUint8:
        case ColumnEncoding::kUint16:
        case ColumnEncoding::kUint32:
        case ColumnEncoding::kUint64: {
          size_t w = enc == ColumnEncoding::kUint8    ? 1
                     : enc == ColumnEncoding::kUint16 ? 2
                     : enc == ColumnEncoding::kUint32 ? 4
                                                      : 8;
          std::string_view b;
          if (!r.Bytes(w, &b)) return false;
          uint64_t v = 0;
          std::memcpy(&v, b.data(), w);
          AppendU64(v, buf);
          break;
        }
        case ColumnEncoding::kInt64:
        case ColumnEncoding::kFloat64: {
          int64_t v;
          if (!r.Zigzag(&v)) return false;
          if (enc == ColumnEncoding::kInt64) AppendI64(v, buf);
          else AppendDecimal(v, static_cast<uint32_t>(param), buf);
          break;
        }
        case ColumnEncoding::kIPv4: {
          std::string_view b;
          if (!r.Bytes(4, &b)) return false;
          uint32_t ip = 0;
          for (char ch : b) ip = (ip << 8) | static_cast<uint8_t>(ch);
          AppendIPv4(ip, buf);
          break;
        }
        case ColumnEncoding::kISO8601: {
          int64_t d;
          if (!r.Zigzag(&d)) return false;
          prev = static_cast<int64_t>(static_cast<uint64_t>(prev) + static_cast<uint64_t>(d));
          AppendISO(prev, static_cast<uint32_t>(param), buf);
          break;
        }
        default:
          return false;
      }
    }
    ends[i] = static_cast<uint32_t>(buf->size());
  }
  // Views are taken only now: appending above may have moved the buffer.
  values->clear();
  values->reserve(rows);
  uint32_t begin = 0;
  for (size_t i = 0; i < rows; i++) {
    values->emplace_back(buf->data() + begin, ends[i] - begin);
    begin = ends[i];
  }
  return true;
}

}  // namespace vl::storage
