#include "value_order.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "vl/common/time_util.h"
#include "vl/logsql/filter_range.h"

namespace vl::logsql {

bool ValueAsNumber(std::string_view s, double* out) {
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
  if (ec == std::errc() && p == e) return !std::isnan(*out);
  // Durations (`1.5s`), sizes (`10KB`), hex and `_`-separated numbers.
  return ParseRangeNumber(s, out) && !std::isnan(*out);
}

int CompareNatural(std::string_view a, std::string_view b) {
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

int CompareValues(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  double x, y;
  if (ValueAsNumber(a, &x) && ValueAsNumber(b, &y)) {
    if (x != y) return x < y ? -1 : 1;
  }
  return CompareNatural(a, b);
}

}  // namespace vl::logsql
