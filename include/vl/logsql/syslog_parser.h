// Syslog line parser (RFC 5424 and RFC 3164), producing the fields of VictoriaLogs' unpack_syslog
// pipe (and of its syslog ingestion) exactly as VictoriaLogs v1.26.0 does.
//
// Field names and the order they are produced in:
//   priority, facility_keyword, level, facility, severity   -- only when the line starts with '<'
//   format                                                  -- "rfc5424" or "rfc3164"
//   RFC 5424: timestamp, hostname, app_name, proc_id, msg_id, <structured data>, message
//   RFC 3164: timestamp, hostname, app_name, proc_id, message
//
// Rules (deliberately lenient; a field is simply absent when the text ends before it):
//   * Empty line: no fields.
//   * `<PRI>`: the text up to the first '>' is `priority`, verbatim (no '>' at all: no fields).
//     When it is not a decimal number (digits, '_' ignored, no leading zero, fits uint64) only
//     `priority` is produced. Otherwise facility = PRI/8, severity = PRI%8 (decimal),
//     facility_keyword = kern user mail daemon auth syslog lpr news uucp cron authpriv ftp ntp
//     security console solaris-cron local0..local7 (facility 0..23, else "unknown"),
//     level = emerg alert critical error warning notice info debug (severity 0..7).
//   * Then, if nothing follows: stop. If the rest starts with "1 " it is RFC 5424, else RFC 3164.
//   * RFC 5424: timestamp, hostname, app_name, proc_id, msg_id are the next space-separated
//     tokens, verbatim ("-" stays "-", the timestamp is not reformatted); when no space follows
//     a token, the rest of the line (possibly empty) is that field and parsing stops. Then structured data:
//     "- " skips it; otherwise one or more `[SDID name="value" ...]` elements must follow, each
//     producing `SDID.name=value` fields (values unquoted as logfmt does, `\]` -> `]`; an element
//     without params produces the field `SDID` with an empty value; an SDID containing '=' is itself a `name=value` pair and
//     its params are produced without prefix). `message` (possibly empty) is produced only when
//     the structured data is well formed and followed by a space.
//   * RFC 3164: the first 15 bytes must be exactly a Go time.Stamp (`Jan _2 15:04:05`: month name
//     in any case; day 1 or 2 digits after one or more spaces, valid for the month with Feb 29
//     always allowed; hour 1 or 2 digits; minutes and seconds 2 digits; a `.frac`/`,frac` after
//     the seconds is taken when it fits in the 15 bytes); else `message` = the whole rest (so
//     `Jun 3 12:08:33 host` with a single-space day is all message). The year is the
//     current UTC year of `now_ns`, or the previous one when that would put the stamp more than
//     one day in the future; the stamp is read in the zone `tz_offset_ns` east of UTC (whole
//     seconds) and printed in UTC as `2006-01-02T15:04:05.000Z` (milliseconds, truncated). Then
//     (after one space; anything else glued to the stamp becomes `message`) hostname up to a
//     space, app_name up to '[', ':' or space, `[proc_id]` (an unclosed '[' ends parsing), an
//     optional ':' and one optional space, and `message` when non-empty.
//
// Names and values are views into `line`, static storage or the parser's own buffer; they stay
// valid until the next Parse call, the parser's destruction, or a change to `line`.
//
// One deliberate difference: a structured-data param `name=` at the very end of the line makes
// VictoriaLogs v1.26.0 panic (index out of range); here it is just malformed structured data.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vl::logsql::pipes {

class SyslogParser {
 public:
  using Field = std::pair<std::string_view, std::string_view>;  // (name, value)

  // Parses `line`; the result replaces the previous one. `now_ns`: current time (ns since the
  // epoch), used to infer the RFC 3164 year. `tz_offset_ns`: the zone of RFC 3164 timestamps,
  // east of UTC (unpack_syslog's `offset`; 0 = UTC).
  void Parse(std::string_view line, int64_t now_ns, int64_t tz_offset_ns);

  const std::vector<Field>& fields() const { return fields_; }

 private:
  struct Ref {
    const char* p;  // nullptr: a slice of buf_
    size_t off;
    size_t len;
  };
  Ref Own(std::string_view s);
  void Add(std::string_view name, std::string_view value) { AddRef(Ref{name.data() ? name.data() : "", 0, name.size()}, value); }
  void AddRef(Ref name, std::string_view value) { AddRefs(name, Ref{value.data() ? value.data() : "", 0, value.size()}); }
  void AddRefs(Ref name, Ref value) { pending_.emplace_back(name, value); }

  void ParseNoHeader(std::string_view s, int64_t now_ns, int64_t tz_offset_ns);
  void ParseRFC5424(std::string_view s);
  bool ParseSDElement(std::string_view* s);
  void ParseRFC3164(std::string_view s, int64_t now_ns, int64_t tz_offset_ns);

  friend void ParseSyslog(std::string_view, int64_t, int64_t, std::vector<Field>*, std::string*);
  bool InBuffer(std::string_view v) const;

  std::string_view line_;  // during Parse
  std::string buf_;
  std::vector<std::pair<Ref, Ref>> pending_;
  std::vector<Field> fields_;
  // Reused by the structured-data parsing.
  std::string sd_value_;
  std::string sd_scratch_;
  std::vector<Field> sd_fields_;
};

// One-shot convenience (a thread-local SyslogParser underneath): parses `line` into *fields
// (cleared first), whose strings point into `line`, into static storage (field names, level
// names...) or into *scratch (cleared first).
void ParseSyslog(std::string_view line, int64_t now_ns, int64_t tz_offset_ns,
                 std::vector<std::pair<std::string_view, std::string_view>>* fields, std::string* scratch);

}  // namespace vl::logsql::pipes
