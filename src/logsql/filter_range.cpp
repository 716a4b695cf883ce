#include "vl/logsql/filter_range.h"

#include <charconv>
#include <cmath>

#include "vl/common/time_util.h"
#include "vl/logsql/lexer.h"

namespace vl::logsql {

namespace {

bool ParsePlain(std::string_view s, double* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && !std::isnan(*v);
}

// `10KiB`, `1.5M`, `2GB`, `1_000`: a plain number, then an optional SI or binary multiplier.
bool ParseShortNumber(std::string_view s, double* v) {
  std::string digits;
  size_t i = 0;
  for (; i < s.size(); i++) {
    char c = s[i];
    if (c == '_') continue;
    if ((c >= '0' && c <= '9') || c == '.' || (i == 0 && (c == '-' || c == '+'))) {
      digits.push_back(c);
      continue;
    }
    break;
  }
  if (digits.empty() || digits == "-" || digits == "+") return false;
  if (digits[0] == '+') digits.erase(0, 1);
  if (!ParsePlain(digits, v)) return false;
  std::string_view suffix = s.substr(i);
  if (suffix.empty()) return true;
  static constexpr std::string_view kUnits = "KMGTP";
  size_t pos = kUnits.find(static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0]))));
  if (pos == std::string_view::npos) return false;
  suffix.remove_prefix(1);
  double base = 1000;
  if (!suffix.empty() && (suffix[0] == 'i' || suffix[0] == 'I')) {
    base = 1024;
    suffix.remove_prefix(1);
  }
  if (!suffix.empty() && (suffix[0] == 'B' || suffix[0] == 'b')) suffix.remove_prefix(1);
  if (!suffix.empty()) return false;
  *v *= std::pow(base, static_cast<double>(pos + 1));
  return true;
}

}  // namespace

bool ParseRangeNumber(std::string_view s, double* v) {
  if (s.empty()) return false;
  if (ParsePlain(s, v)) return true;
  int64_t ns;
  if (ParseDuration(s, &ns)) {
    *v = static_cast<double>(ns);
    return true;
  }
  if (ParseShortNumber(s, v)) return true;
  if (s.size() >= 20 && s[4] == '-' && s[10] == 'T' && ParseRFC3339(s, &ns)) {
    *v = static_cast<double>(ns);
    return true;
  }
  uint32_t ip;
  if (!ParseIPv4(s, &ip)) return false;
  *v = ip;
  return true;
}

bool ParseIPv4(std::string_view s, uint32_t* out) {
  if (s.size() < 7 || s.size() > 15) return false;
  uint32_t ip = 0;
  for (int i = 0; i < 4; i++) {
    size_t end = i < 3 ? s.find('.') : s.size();
    if (end == std::string_view::npos || end == 0 || end > 3) return false;
    unsigned o = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + end, o);
    if (ec != std::errc() || p != s.data() + end || o > 255) return false;
    ip = (ip << 8) | o;
    s.remove_prefix(i < 3 ? end + 1 : end);
  }
  *out = ip;
  return true;
}

}  // namespace vl::logsql
