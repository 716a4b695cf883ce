// Text transformations behind the LogsQL pipes collapse_nums, decolorize, pack_logfmt,
// unpack_logfmt, unpack_words, json_array_len and unroll (the syslog parser behind unpack_syslog
// lives in vl/logsql/syslog_parser.h).
//
// Every function reproduces VictoriaLogs v1.26.0 byte for byte, odd inputs included; the
// comments below describe the exact rules. None of them allocates per call beyond the growth
// of the output buffers the caller passes in, and none of them fails on any input (empty, binary,
// invalid UTF-8, unterminated quotes...).
//
// Output convention: functions taking `std::string* out` APPEND to it (they never clear it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vl::logsql::pipes {

using TextField = std::pair<std::string_view, std::string_view>;  // (name, value)

// ---- collapse_nums ---------------------------------------------------------------------------
//
// Replaces numbers in `in` by `<N>` and appends the result to *out.
//
// A number candidate is a maximal run of chars [0-9a-fA-F] that
//   * starts at the beginning of the text, after a non-word char, or after one of the "unit
//     prefix" letters T X x v s h m (so `v1.2`, `0x1f2e`, `12h30m` work), and
//   * ends at the end of the text, before a non-word char, or before one of the "unit suffix"
//     letters T Z s m h u n μ (so `10ms`, `5μs`, `12:00:00Z` work).
// A word char is a Unicode letter/digit or `_` as vl::IsWordCharAt decides (VictoriaLogs uses
// Go's unicode.IsLetter/IsDigit; the two differ only on rare code points: unassigned ones, a few
// symbol blocks, overlong/surrogate byte sequences). A candidate without hex
// letters is always a number; one with hex letters only if it has an even length >= 4 (so `be`,
// `abc`, `dead1` stay, `dead`, `deadbeef` go). Runs that start inside a word are never numbers:
// `a1foo2bar34` is unchanged, `1foo` too.
//
// With `prettify`, the collapsed text is then rewritten in this order (plain substring
// replacement, left to right, each pass over the previous pass's output):
//   `<N>-<N>-<N>-<N>-<N>` -> `<UUID>`       `<N>.<N>.<N>.<N>` -> `<IP4>`
//   `<N>:<N>:<N>` -> `<TIME>` (also eating a directly following `.<N>` or `,<N>`)
//   `<N>-<N>-<N>` -> `<DATE>`               `<N>/<N>/<N>` -> `<DATE>`
//   `<DATE>T<TIME>` and `<DATE> <TIME>` -> `<DATETIME>` (also eating a following `Z`,
//   `+<N>:<N>` or `-<N>:<N>`).
void CollapseNums(std::string_view in, bool prettify, std::string* out);

// ---- decolorize ------------------------------------------------------------------------------
//
// Appends `in` without its ANSI CSI sequences: every `ESC [` is dropped together with the
// parameter bytes 0x30-0x3F, then intermediate bytes 0x20-0x2F, then one final byte 0x30-0x7E
// that follow it (each part optional; a byte of another class simply ends the sequence and is
// kept). Other escapes (`ESC ]` OSC, `ESC P` DCS, a lone ESC) are kept verbatim.
void Decolorize(std::string_view in, std::string* out);

// ---- logfmt ----------------------------------------------------------------------------------
//
// Parses `k=v k2="v 2"` into *kvs (cleared first), in input order, duplicates kept (the last one
// wins when they become columns). Rules, exactly as VictoriaLogs' logfmt parser:
//   * Only the space ' ' separates pairs; runs of spaces are fine.
//   * A name runs up to the first '=' or ' ' and is trimmed of (Unicode) white space, so tabs
//     and newlines around it vanish but are never separators.
//   * A bare word without '=' yields (word, ""); `foo=` and a trailing `foo=` yield (foo, "").
//   * A value starting with '"' or '`' is a Go string literal: "..." with Go escapes
//     (\n \t \" \\ \xHH \ooo \uHHHH \UHHHHHHHH ...; invalid UTF-8 inside becomes U+FFFD), `...`
//     raw (CR dropped). After the closing quote parsing continues only if a space or the end
//     follows; any other byte ends parsing there (`a="b"c d=e` gives just a=b).
//   * A value whose quoting is invalid or unterminated is taken literally up to the next space
//     (`a="b c` gives a=`"b` and c="").
//   * An unquoted value runs to the next space and may contain '=' (`a=b=c` gives a="b=c").
//   * A pair whose name AND value are both empty is dropped; a pair with an empty name but a
//     value (`=z`) is kept with name "" (VictoriaLogs then calls that field `_msg`).
// Names/values are views into `in` or into *scratch (cleared first, owned by the caller); they
// stay valid until `in` or *scratch is modified or destroyed.
void ParseLogfmt(std::string_view in, std::vector<TextField>* kvs, std::string* scratch);

// Appends one pack_logfmt pair: `name=value`. An empty name prints as `_msg`. The value is
// quoted when it contains a byte <= 0x20 (space, control chars), '"' or '\\'; empty values are
// not quoted (`name=`). Quoting is JSON-like: \" \\ \n \r \t \b \f, `<` -> \u003c,
// `'` -> \u0027, other bytes < 0x20 -> \u00XX, everything else (UTF-8, invalid bytes) verbatim.
void AppendLogfmtPair(std::string_view name, std::string_view value, std::string* out);

// pack_logfmt's whole output: AppendLogfmtPair for every field, separated by one space, fields
// with empty values included (nothing is appended for an empty list).
void AppendLogfmtFields(const std::vector<TextField>& fields, std::string* out);

// ---- unpack_words ----------------------------------------------------------------------------
//
// Appends the words of `in` as a JSON array of strings: `["foo","bar"]`, `[]` when there is
// none. Words are vl::ForEachToken's tokens (maximal runs of Unicode letters, digits and '_'),
// in order; with `drop_duplicates` only the first occurrence of each is kept.
void UnpackWords(std::string_view in, bool drop_duplicates, std::string* json_array_out);

// ---- JSON arrays (json_array_len, unroll) ----------------------------------------------------
//
// VictoriaLogs reads these arrays with fastjson, which is more lenient than RFC 8259; we accept
// exactly what it accepts: the value must START with '[' (no leading white space; trailing
// space/tab/CR/LF allowed), numbers are any run of [0-9.eE+-] plus NaN/Inf (any case, optional
// sign), strings may hold raw control chars and unknown escapes, nesting is limited to 300
// levels. Anything else is "not an array".

// Number of elements of the JSON array `s`; 0 when `s` is not an array.
int64_t JsonArrayLen(std::string_view s);

// The elements of the JSON array `s` as unroll sees them, appended to *out (cleared first):
// strings unescaped (best effort: \" \\ \/ \b \f \n \r \t \uXXXX with surrogate pairs; a bad
// escape is kept literally), every other element as compact JSON text (white space outside
// strings removed; numbers, keys and nested strings kept byte for byte as written).
// Returns false (and leaves *out empty) when `s` is not an array.
bool ParseJsonArrayStrings(std::string_view s, std::vector<std::string>* out);

// ---- shared helpers --------------------------------------------------------------------------

// Appends `s` as a JSON string literal the way VictoriaLogs' quicktemplate does (the quoting of
// AppendLogfmtPair above).
void AppendQuotedJsonString(std::string_view s, std::string* out);

// Go's strconv.QuotedPrefix + Unquote for a literal opening with '"' or '`' at s[0]: on success
// returns the number of bytes the literal occupies in `s` and appends its value to *value;
// returns 0 (appending nothing) when `s` does not start with a valid literal.
size_t UnquoteGoStringPrefix(std::string_view s, std::string* value);

// Go's strings.TrimSpace: strips leading and trailing Unicode white space (ASCII \t \n \v \f \r
// and space, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
std::string_view TrimUnicodeSpace(std::string_view s);

}  // namespace vl::logsql::pipes
