// The pattern mini-language of the LogsQL `format` pipe: `text<f1>text<mod:f2>`.
//
// Behaviour follows VictoriaLogs v1.26.0 (lib/logstorage/pipe_format.go, pattern.go):
//
// Parsing
//  - Same splitting as `extract` (see extract_pattern.h): literal text is HTML-unescaped
//    (`&lt;foo&gt;` renders `<foo>`), `<_>`, `<*>` and `<>` render nothing, the modifier is the
//    trimmed text before the first `:` and the field name the trimmed text after it.
//  - Unlike `extract`, placeholders may be adjacent (`<a><b>`) and a pattern may have no
//    placeholder or be empty.
//  - Errors (InvalidArgument): a `<` without `>`; a field name ending in `*` (`<foo*>`, `<q:*>`).
//  - An unknown modifier (or a wrong-case one such as `Q:`) is not an error: the value is
//    inserted unchanged.
//
// Modifiers (a value that cannot be decoded/parsed is inserted unchanged unless noted)
//  q                JSON string with quotes: \" \\ \n \r \t \b \f, `<` -> \u003c, `'` -> \u0027, other
//                   bytes < 0x20 -> \u00XX (lower-case hex); bytes >= 0x80 are copied as they are.
//  uc, lc           Unicode simple case mapping per code point (Go's unicode.ToUpper/ToLower);
//                   invalid UTF-8 bytes become U+FFFD.
//  urlencode        [A-Za-z0-9-._] kept, space -> `+`, every other byte -> %XX (upper-case hex).
//  urldecode        `+` -> space, %XX -> byte; a `%` without two hex digits stays `%`.
//  hexencode        every byte -> two upper-case hex digits.
//  hexdecode        every pair of hex digits -> a byte; a bad pair and an odd last byte are copied.
//  base64encode     standard alphabet with `=` padding.
//  base64decode     standard alphabet, padding required, '\r'/'\n' ignored; any error -> unchanged.
//  hexnumencode     a decimal uint64 -> 16 upper-case hex digits, zero-padded ("1234" -> 00000000000004D2).
//  hexnumdecode     up to 16 hex digits -> decimal uint64 (the empty value gives "0").
//  time             Unix timestamp (integer, fraction or scientific; seconds/ms/µs/ns chosen by
//                   magnitude as VictoriaMetrics' timeutil.TryParseUnixTimestamp does) -> RFC3339
//                   with nanoseconds, UTC, trailing zeros trimmed ("2024-06-02T11:35:41.123456789Z").
//  duration         integer nanoseconds -> VictoriaLogs' duration text: `1w2d3h4m5.5s`; below one
//                   second `1ms500µs3ns`; 0 -> "0"; negative with a leading `-`.
//  duration_seconds a LogsQL duration (`1h5m35s`, `1.5d`, units ns µs ms s m h d w y) -> seconds as
//                   the shortest decimal ("3935", "0.5").
//  ipv4             a decimal integer up to 4294967295 -> dotted quad.
// Numbers take VictoriaLogs' integer syntax: digits with optional `_` separators, no leading zero
// (except "0" itself), at most 26 characters.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"

namespace vl::logsql::pipes {

class FormatPattern {
 public:
  static vl::Result<FormatPattern> Parse(std::string_view pattern);

  // Field names referenced, each once, in first-use order.
  const std::vector<std::string>& fields() const { return fields_; }

  // Appends the rendered text to *out; value(i) gives the current row's value of fields()[i]
  // ("" when the row lacks it).
  void Render(const std::function<std::string_view(size_t)>& value, std::string* out) const;

  // The pattern as written.
  const std::string& text() const { return text_; }

 private:
  enum class Mod : uint8_t {
    kNone,
    kQ,
    kUc,
    kLc,
    kUrlEncode,
    kUrlDecode,
    kHexEncode,
    kHexDecode,
    kBase64Encode,
    kBase64Decode,
    kHexNumEncode,
    kHexNumDecode,
    kTime,
    kDuration,
    kDurationSeconds,
    kIpv4,
  };
  struct Step {
    std::string prefix;  // HTML-unescaped literal text
    int field = -1;      // index into fields_; -1 renders nothing
    Mod mod = Mod::kNone;
  };

  std::string text_;
  std::vector<Step> steps_;
  std::vector<std::string> fields_;
};

// The modifier functions, exposed for reuse and tests: each appends the transformed `v` to *out.
namespace format_internal {
void AppendJsonQuoted(std::string_view v, std::string* out);
void AppendUpper(std::string_view v, std::string* out);
void AppendLower(std::string_view v, std::string* out);
void AppendUrlEncoded(std::string_view v, std::string* out);
void AppendUrlDecoded(std::string_view v, std::string* out);
void AppendHexEncoded(std::string_view v, std::string* out);
void AppendHexDecoded(std::string_view v, std::string* out);
void AppendBase64Encoded(std::string_view v, std::string* out);
bool AppendBase64Decoded(std::string_view v, std::string* out);  // false (out unchanged) on bad input
// VictoriaLogs' number and duration parsers/printers used by the modifiers.
bool ParseVlUint64(std::string_view s, uint64_t* n);
bool ParseVlInt64(std::string_view s, int64_t* n);
bool ParseVlDuration(std::string_view s, int64_t* ns);
bool ParseVmUnixTimestamp(std::string_view s, int64_t* ns);
void AppendVlDuration(int64_t ns, std::string* out);
void AppendShortestFloat(double f, std::string* out);  // Go's strconv 'f', -1
}  // namespace format_internal

}  // namespace vl::logsql::pipes
