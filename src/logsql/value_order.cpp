#include "value_order.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql {

bool ParsePlainNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  if (s.size() >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T') {
    int64_t ns;
    if (ParseRFC3339(s, &ns)) {
      *out = static_cast<double>(ns);
      return true;
    }
  }
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *out);
  return ec == std::errc() && p == e && !std::isnan(*out);
}

bool ValueAsNumber(std::string_view s, double* out) {
  if (ParsePlainNumber(s, out)) return true;
  // Durations (`1.5s`), sizes (`10KB`), hex and `_`-separated numbers.
  return ParseRangeNumber(s, out) && !std::isnan(*out);
}

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

int CompareNatural(std::string_view a, std::string_view b) {
  // Up to the first difference both orders agree; past it, natural order differs from bytewise
  // only where a run of digits is involved. Most comparisons end on the fast path.
  const size_t n = std::min(a.size(), b.size());
  size_t d = 0;
  while (d < n && a[d] == b[d]) ++d;
  const bool digit_here = (d < a.size() && IsDigit(a[d])) || (d < b.size() && IsDigit(b[d]));
  const bool digit_before = d > 0 && IsDigit(a[d - 1]);
  if (!digit_here && !digit_before) {
    if (d == a.size() || d == b.size()) return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
    return static_cast<unsigned char>(a[d]) < static_cast<unsigned char>(b[d]) ? -1 : 1;
  }
  // Back up to the start of the digit run the difference is in, and compare naturally from there.
  while (d > 0 && IsDigit(a[d - 1])) --d;
  a.remove_prefix(d);
  b.remove_prefix(d);
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = a[i] >= '0' && a[i] <= '9';
    const bool db = b[j] >= '0' && b[j] <= '9';
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && a[ie] >= '0' && a[ie] <= '9') ++ie;
      while (je < b.size() && b[je] >= '0' && b[je] <= '9') ++je;
      // Compare the runs as numbers: skip leading zeros, then longer is larger, then bytewise.
      size_t is = i, js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js ? -1 : 1;
      const int c = a.substr(is, ie - is).compare(b.substr(js, je - js));
      if (c != 0) return c < 0 ? -1 : 1;
      if (ie - i != je - j) return ie - i < je - j ? -1 : 1;  // fewer leading zeros first
      i = ie;
      j = je;
      continue;
    }
    if (da != db) return da ? -1 : 1;
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]) ? -1 : 1;
    ++i;
    ++j;
  }
  if (i == a.size() && j == b.size()) return 0;
  return i == a.size() ? -1 : 1;
}

bool AppendNaturalKey(std::string_view v, std::string* out) {
  for (size_t i = 0; i < v.size();) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (!IsDigit(v[i])) {
      if (c == 0xFF) return false;
      out->push_back(static_cast<char>(c + 1));  // above the digit-run marker 0
      ++i;
      continue;
    }
    size_t end = i;
    while (end < v.size() && IsDigit(v[end])) ++end;
    size_t sig = i;
    while (sig + 1 < end && v[sig] == '0') ++sig;
    const size_t digits = end - sig, zeros = sig - i;
    if (digits > 255 || zeros > 255) return false;
    out->push_back('\0');
    out->push_back(static_cast<char>(digits));
    out->append(v.substr(sig, digits));
    out->push_back(static_cast<char>(zeros));
    i = end;
  }
  return true;
}

std::string DecodeNaturalKey(std::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size();) {
    if (key[i] != '\0') {
      out.push_back(static_cast<char>(static_cast<unsigned char>(key[i]) - 1));
      ++i;
      continue;
    }
    if (i + 1 >= key.size()) break;
    const size_t digits = static_cast<unsigned char>(key[i + 1]);
    if (i + 2 + digits >= key.size()) break;
    const size_t zeros = static_cast<unsigned char>(key[i + 2 + digits]);
    out.append(zeros, '0');
    out.append(key.substr(i + 2, digits));
    i += 3 + digits;
  }
  return out;
}

int CompareValues(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  double x, y;
  if (ValueAsNumber(a, &x) && ValueAsNumber(b, &y)) {
    if (x != y) return x < y ? -1 : 1;
  }
  return CompareNatural(a, b);
}

}  // namespace vl::logsql
