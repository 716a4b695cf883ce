#include "vl/logsql/syslog_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>

#include "text_funcs.h"
#include "vl/common/civil_date.h"

namespace vl::logsql::pipes {

namespace {

constexpr int64_t kNanosPerSec = 1'000'000'000;

// VictoriaLogs' tryParseUint64: decimal digits, '_' ignored, no leading zero, no overflow.
bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 26 /* len("18_446_744_073_709_551_615") */) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c == '_') continue;
    if (c < '0' || c > '9') return false;
    if (n > UINT64_MAX / 10) return false;
    const uint64_t n1 = n * 10 + static_cast<uint64_t>(c - '0');
    if (n1 < n * 10) return false;
    n = n1;
  }
  *out = n;
  return true;
}

const char* FacilityKeyword(uint64_t facility) {
  static const char* const kNames[] = {"kern",   "user",     "mail",    "daemon",   "auth",   "syslog",
                                       "lpr",    "news",     "uucp",    "cron",     "authpriv", "ftp",
                                       "ntp",    "security", "console", "solaris-cron", "local0", "local1",
                                       "local2", "local3",   "local4",  "local5",   "local6", "local7"};
  return facility < 24 ? kNames[facility] : "unknown";
}

const char* SeverityLevel(uint64_t severity) {
  static const char* const kNames[] = {"emerg", "alert", "critical", "error", "warning", "notice", "info", "debug"};
  return severity < 8 ? kNames[severity] : "unknown";
}

bool IsDigit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum: one or two digits (exactly two when `fixed`).
bool GetNum(std::string_view* s, bool fixed, int* n) {
  if (!IsDigit(*s, 0)) return false;
  if (!IsDigit(*s, 1)) {
    if (fixed) return false;
    *n = (*s)[0] - '0';
    s->remove_prefix(1);
    return true;
  }
  *n = ((*s)[0] - '0') * 10 + ((*s)[1] - '0');
  s->remove_prefix(2);
  return true;
}

// A space in a Go layout: at least one space (or the end of the value), all of them eaten.
bool SkipLayoutSpace(std::string_view* s) {
  if (!s->empty() && (*s)[0] != ' ') return false;
  while (!s->empty() && (*s)[0] == ' ') s->remove_prefix(1);
  return true;
}

bool SkipChar(std::string_view* s, char c) {
  if (s->empty() || (*s)[0] != c) return false;
  s->remove_prefix(1);
  return true;
}

struct Stamp {
  int month = 0, day = 0, hour = 0, minute = 0, second = 0, nsec = 0;
};

// Go's time.Parse(time.Stamp, v), i.e. layout "Jan _2 15:04:05" (no year).
bool ParseStamp(std::string_view v, Stamp* st) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (v.size() < 3) return false;
  st->month = 0;
  for (int m = 0; m < 12 && st->month == 0; m++) {
    bool eq = true;
    for (int k = 0; k < 3 && eq; k++) {
      char a = v[k], b = kMonths[m][k];
      if (a != b) {
        a = static_cast<char>(a | 0x20);
        b = static_cast<char>(b | 0x20);
        eq = a == b && a >= 'a' && a <= 'z';
      }
    }
    if (eq) st->month = m + 1;
  }
  if (st->month == 0) return false;
  v.remove_prefix(3);
  if (!SkipLayoutSpace(&v)) return false;
  if (!v.empty() && v[0] == ' ') v.remove_prefix(1);  // `_2`: an optional padding space
  if (!GetNum(&v, false, &st->day)) return false;
  if (!SkipLayoutSpace(&v)) return false;
  if (!GetNum(&v, false, &st->hour) || st->hour > 23) return false;
  if (!SkipChar(&v, ':') || !GetNum(&v, true, &st->minute) || st->minute > 59) return false;
  if (!SkipChar(&v, ':') || !GetNum(&v, true, &st->second) || st->second > 59) return false;
  st->nsec = 0;
  if (v.size() >= 2 && (v[0] == '.' || v[0] == ',') && IsDigit(v, 1)) {
    size_t n = 2;
    while (IsDigit(v, n)) n++;
    const size_t digits = std::min<size_t>(n, 10) - 1;  // at most 9 digits count
    int ns = 0;
    for (size_t k = 1; k <= digits; k++) ns = ns * 10 + (v[k] - '0');
    for (size_t k = digits; k < 9; k++) ns *= 10;
    st->nsec = ns;
    v.remove_prefix(n);
  }
  if (!v.empty()) return false;  // extra text
  // Day of month, validated as Go does without a year (year 0: a leap year).
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return st->day >= 1 && st->day <= kDays[st->month - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// `2006-01-02T15:04:05.000Z` in UTC.
void AppendISO8601Millis(int64_t unix_secs, int nsec, std::string* out) {
  const int64_t days = FloorDiv(unix_secs, 86400);
  const int64_t sod = unix_secs - days * 86400;
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char b[64];
  const int n = std::snprintf(b, sizeof(b), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(y), m, d,
                              static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                              static_cast<int>(sod % 60), nsec / 1'000'000);
  out->append(b, static_cast<size_t>(n));
}

}  // namespace

bool SyslogParser::InBuffer(std::string_view v) const {
  const std::less<const char*> lt;
  return !v.empty() && !lt(v.data(), buf_.data()) && lt(v.data(), buf_.data() + buf_.size());
}

SyslogParser::Ref SyslogParser::Own(std::string_view s) {
  const size_t off = buf_.size();
  buf_.append(s);
  return Ref{nullptr, off, s.size()};
}

void SyslogParser::Parse(std::string_view s, int64_t now_ns, int64_t tz_offset_ns) {
  buf_.clear();
  pending_.clear();
  fields_.clear();
  line_ = s;
  if (!s.empty()) {
    if (s[0] != '<') {
      ParseNoHeader(s, now_ns, tz_offset_ns);
    } else {
      s.remove_prefix(1);
      const size_t n = s.find('>');
      if (n != std::string_view::npos) {
        const std::string_view pri = s.substr(0, n);
        s.remove_prefix(n + 1);
        Add("priority", pri);
        uint64_t priority = 0;
        if (ParseUint64(pri, &priority)) {
          const uint64_t facility = priority / 8, severity = priority % 8;
          Add("facility_keyword", FacilityKeyword(facility));
          Add("level", SeverityLevel(severity));
          AddRefs(Ref{"facility", 0, 8}, Own(std::to_string(facility)));
          AddRefs(Ref{"severity", 0, 8}, Own(std::to_string(severity)));
          ParseNoHeader(s, now_ns, tz_offset_ns);
        }
      }
    }
  }
  fields_.reserve(pending_.size());
  auto resolve = [&](const Ref& r) {
    return r.p ? std::string_view(r.p, r.len) : std::string_view(buf_.data() + r.off, r.len);
  };
  for (const auto& [name, value] : pending_) fields_.emplace_back(resolve(name), resolve(value));
  line_ = {};
}

void SyslogParser::ParseNoHeader(std::string_view s, int64_t now_ns, int64_t tz_offset_ns) {
  if (s.empty()) return;
  if (s.starts_with("1 ")) {
    ParseRFC5424(s.substr(2));
  } else {
    ParseRFC3164(s, now_ns, tz_offset_ns);
  }
}

void SyslogParser::ParseRFC5424(std::string_view s) {
  Add("format", "rfc5424");
  if (s.empty()) return;
  static const char* const kHeader[] = {"timestamp", "hostname", "app_name", "proc_id", "msg_id"};
  for (const char* name : kHeader) {
    const size_t n = s.find(' ');
    if (n == std::string_view::npos) {
      Add(name, s);
      return;
    }
    Add(name, s.substr(0, n));
    s.remove_prefix(n + 1);
  }
  // Structured data: "- " or `[...]` elements followed by a space; then the message.
  if (s.starts_with("- ")) {
    s.remove_prefix(2);
  } else {
    while (true) {
      if (!ParseSDElement(&s)) return;
      if (s.starts_with(" ")) {
        s.remove_prefix(1);
        break;
      }
    }
  }
  Add("message", s);
}

// One `[SDID name="value" ...]` element at the start of *s; on success *s is moved past it.
bool SyslogParser::ParseSDElement(std::string_view* sp) {
  std::string_view s = *sp;
  if (s.empty() || s[0] != '[') return false;
  s.remove_prefix(1);
  size_t n = s.find_first_of(" ]");
  if (n == std::string_view::npos) return false;
  std::string_view sd_id = s.substr(0, n);
  s.remove_prefix(n);
  if (const size_t eq = sd_id.find('='); eq != std::string_view::npos) {
    // `[key=value ...]`: the "SDID" is itself a pair, and the params get no prefix.
    Add(sd_id.substr(0, eq), sd_id.substr(eq + 1));
    sd_id = {};
  }
  // Find the closing ']' (one preceded by a backslash does not count), skipping params.
  size_t i = 0;
  while (i < s.size() && (s[i] != ']' || (i > 0 && s[i - 1] == '\\'))) {
    if (s[i] == ' ') {
      i++;
      continue;
    }
    n = s.find('=', i);
    if (n == std::string_view::npos) return false;
    i = n + 1;
    if (i >= s.size()) return false;  // `name=` at the very end (VictoriaLogs would panic here)
    if (s[i] == '"') {
      bool closed = false;
      for (i++; i < s.size(); i++) {
        if (s[i] == '"' && s[i - 1] != '\\') {
          closed = true;
          break;
        }
      }
      if (!closed) return false;
      i++;
    } else {
      n = s.find_first_of(" ]", i);
      if (n == std::string_view::npos) return false;
      i = n;
    }
  }
  if (i >= s.size()) return false;

  std::string_view sd_value = TrimUnicodeSpace(s.substr(0, i));
  if (sd_value.find("\\]") != std::string_view::npos) {
    sd_value_.clear();
    for (size_t k = 0; k < sd_value.size(); k++) {
      if (sd_value[k] == '\\' && k + 1 < sd_value.size() && sd_value[k + 1] == ']') {
        sd_value_.push_back(']');
        k++;
      } else {
        sd_value_.push_back(sd_value[k]);
      }
    }
    sd_value = sd_value_;
  }
  ParseLogfmt(sd_value, &sd_fields_, &sd_scratch_);
  // Strings pointing into the line stay views; the others get copied into buf_.
  auto ref = [&](std::string_view v) {
    const std::less<const char*> lt;
    const char* b = line_.data();
    const char* e = b + line_.size();
    if (v.empty() || (!lt(v.data(), b) && !lt(e, v.data() + v.size()))) return Ref{v.data() ? v.data() : "", 0, v.size()};
    return Own(v);
  };
  if (sd_fields_.empty()) {
    if (!sd_id.empty()) Add(sd_id, {});
  } else {
    for (const auto& [name, value] : sd_fields_) {
      Ref name_ref;
      if (sd_id.empty()) {
        name_ref = ref(name);
      } else {
        const size_t off = buf_.size();
        buf_.append(sd_id);
        buf_.push_back('.');
        buf_.append(name);
        name_ref = Ref{nullptr, off, buf_.size() - off};
      }
      const Ref value_ref = ref(value);
      AddRefs(name_ref, value_ref);
    }
  }
  s.remove_prefix(i + 1);
  *sp = s;
  return true;
}

void SyslogParser::ParseRFC3164(std::string_view s, int64_t now_ns, int64_t tz_offset_ns) {
  Add("format", "rfc3164");
  constexpr size_t kStampLen = 15;  // len("Jan _2 15:04:05")
  Stamp st;
  if (s.size() < kStampLen || !ParseStamp(s.substr(0, kStampLen), &st)) {
    Add("message", s);
    return;
  }
  s.remove_prefix(kStampLen);

  // The year: the current one, or the previous one when the stamp would be > 1 day ahead.
  const int64_t now_secs = FloorDiv(now_ns, kNanosPerSec);
  int64_t year;
  int cm, cd;
  CivilFromDays(FloorDiv(now_secs, 86400), &year, &cm, &cd);
  const int64_t tz_secs = tz_offset_ns / kNanosPerSec;
  auto unix_at = [&](int64_t y) {
    return DaysFromCivil(y, st.month, st.day) * 86400 + st.hour * 3600 + st.minute * 60 + st.second - tz_secs;
  };
  int64_t t = unix_at(year);
  if (static_cast<uint64_t>(t) - 24 * 3600 > static_cast<uint64_t>(now_secs)) t = unix_at(year - 1);
  const size_t off = buf_.size();
  AppendISO8601Millis(t, st.nsec, &buf_);
  AddRefs(Ref{"timestamp", 0, 9}, Ref{nullptr, off, buf_.size() - off});

  if (s.empty() || s[0] != ' ') {
    if (!s.empty()) Add("message", s);  // text glued to the timestamp
    return;
  }
  s.remove_prefix(1);

  size_t n = s.find(' ');
  if (n == std::string_view::npos) {
    Add("hostname", s);
    return;
  }
  Add("hostname", s.substr(0, n));
  s.remove_prefix(n + 1);

  n = s.find_first_of("[: ");
  if (n == std::string_view::npos) {
    Add("app_name", s);
    return;
  }
  Add("app_name", s.substr(0, n));
  s.remove_prefix(n);

  if (s[0] == '[') {
    s.remove_prefix(1);
    n = s.find(']');
    if (n == std::string_view::npos) return;
    Add("proc_id", s.substr(0, n));
    s.remove_prefix(n + 1);
  }
  if (s.starts_with(":")) s.remove_prefix(1);
  if (s.starts_with(" ")) s.remove_prefix(1);
  if (!s.empty()) Add("message", s);
}

void ParseSyslog(std::string_view line, int64_t now_ns, int64_t tz_offset_ns,
                 std::vector<std::pair<std::string_view, std::string_view>>* fields, std::string* scratch) {
  thread_local SyslogParser parser;
  parser.Parse(line, now_ns, tz_offset_ns);
  fields->clear();
  scratch->clear();
  // Copy the strings that live in the parser's buffer into *scratch, then point at them.
  auto in_line = [&](std::string_view v) { return !parser.InBuffer(v); };
  std::vector<std::pair<size_t, size_t>> offs;  // (name off or npos, value off or npos)
  for (const auto& [name, value] : parser.fields()) {
    size_t no = std::string::npos, vo = std::string::npos;
    if (!in_line(name)) {
      no = scratch->size();
      scratch->append(name);
    }
    if (!in_line(value)) {
      vo = scratch->size();
      scratch->append(value);
    }
    offs.emplace_back(no, vo);
  }
  fields->reserve(offs.size());
  for (size_t k = 0; k < offs.size(); k++) {
    const auto& [name, value] = parser.fields()[k];
    fields->emplace_back(
        offs[k].first == std::string::npos ? name : std::string_view(scratch->data() + offs[k].first, name.size()),
        offs[k].second == std::string::npos ? value
                                            : std::string_view(scratch->data() + offs[k].second, value.size()));
  }
}

}  // namespace vl::logsql::pipes
