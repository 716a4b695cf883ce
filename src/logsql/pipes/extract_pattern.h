// The pattern mini-language of the LogsQL `extract` pipe: `text1<name>text2<_>...`.
//
// Behaviour follows VictoriaLogs v1.26.0 (lib/logstorage/pattern.go, pipe_extract.go):
//
// Parsing
//  - The pattern is split into placeholders `<...>` (the text up to the next `>`) and the literal
//    text between them. The literal text is HTML-unescaped the way Go's html.UnescapeString does
//    (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`, every HTML5 named reference, `&#NN;`, `&#xHH;`), so
//    `ip=&lt;<ip>&gt;` matches `ip=<1.2.3.4>`.
//  - `<_>`, `<*>` and `<>` (exactly these texts) are anonymous: they skip text without naming it.
//  - A placeholder may carry an option before the first `:`: `<plain:name>` turns off the automatic
//    unquoting; any other option is accepted and ignored (`<q:foo>` is just `foo`). Option and name
//    are trimmed of white space (`< plain : foo >`).
//  - Errors (InvalidArgument): a `<` without a closing `>`; two placeholders with no literal text
//    between them (`<a><b>`, `<a><_>`, `<_><_>`); a name ending in `*`; no named placeholder at all.
//    The messages are VictoriaLogs' own; a pipe parser should prefix them with the pattern.
//
// Matching (Match)
//  - Matching starts right after the first occurrence of the leading literal (at the start when the
//    pattern begins with a placeholder). When the leading literal does not occur, nothing matches:
//    Match returns false and every field is set to empty. VictoriaLogs then still WRITES those
//    empty values into the row (an existing field of that name is overwritten with ""), unless the
//    pipe has `keep_original_fields` or `skip_empty_results`, which keep a non-empty original value
//    (pipe_extract.go; its test "single row, pattern mismatch" expects bar="").
//  - Each placeholder captures up to the next occurrence of the following literal; a placeholder
//    with no following literal takes the rest of the input. Literal text after the last placeholder
//    only bounds that placeholder; what follows it is ignored.
//  - If the remaining input starts with `"` or `` ` `` and a Go string literal can be read there
//    (strconv.QuotedPrefix rules: escapes in "...", raw `...` with '\r' dropped, no raw newline in
//    "..."), the placeholder captures the unquoted value instead, and the following literal must
//    come right after the closing quote. When it does not, matching stops there: this field keeps
//    its unquoted value and the later fields stay empty. `<plain:...>` disables this; so does a
//    string that is not a valid literal (then the text is captured as is). Invalid UTF-8 inside
//    "..." comes out as U+FFFD (Go's Unquote). `<_>` skips a whole quoted string the same way.
//  - When a literal is missing, matching stops; the placeholders matched so far keep their values
//    and the rest are empty. Match still returns true (VictoriaLogs does not tell a partial match
//    from a full one; in both cases the pipe writes every field, empty ones included).
//  - A name used twice (`<a> x <a>`) is one field; its value comes from the LAST placeholder with
//    that name, even when that one did not match (VictoriaLogs adds one result column per
//    placeholder and the later column replaces the earlier one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"
#include "vl/common/utf8.h"

namespace vl::logsql::pipes {

class ExtractPattern {
 public:
  static vl::Result<ExtractPattern> Parse(std::string_view pattern);

  // Named placeholders in first-use order, `<_>`-style ones excluded, each name once.
  const std::vector<std::string>& fields() const { return fields_; }

  // Matches `input`. out->size() becomes fields().size(); every field is assigned ("" when
  // unmatched). Values point into `input`, or into `scratch` for auto-unquoted strings; `scratch`
  // is cleared first, so the views stay valid until `input` or `scratch` change.
  // Returns false only when the leading literal does not occur in `input` (all fields empty).
  bool Match(std::string_view input, std::vector<std::string_view>* out, std::string* scratch) const;

  // The pattern as written.
  const std::string& text() const { return text_; }

 private:
  struct Step {
    std::string prefix;  // literal text before the placeholder (HTML-unescaped); may be empty only for step 0
    int field = -1;      // index into fields_; -1 for `<_>` and for the trailing-literal step
    bool plain = false;  // `<plain:...>`: no automatic unquoting
  };

  std::string text_;
  std::vector<Step> steps_;
  std::vector<std::string> fields_;
  std::vector<size_t> last_step_;  // per field: index of the last step naming it
};

namespace pattern_internal {

// One placeholder-or-literal step of a pattern as both `extract` and `format` split it.
struct RawStep {
  std::string prefix;  // literal text before the placeholder, HTML-unescaped
  std::string option;  // text before the first ':' inside `<...>`, trimmed
  std::string field;   // trimmed name; "" for `<_>`, `<*>`, `<>` and the trailing literal
  bool has_placeholder = false;
};

// Splits `pattern` into steps (Go's parsePatternSteps). Fails only on a `<` without `>`.
vl::Status SplitPattern(std::string_view pattern, std::vector<RawStep>* steps);

// Go's html.UnescapeString, appended to *out.
void AppendHtmlUnescaped(std::string_view s, std::string* out);

using vl::AppendUtf8;

// Decodes the rune at the start of non-empty `s` as Go's utf8.DecodeRuneInString does: returns its
// byte length; an invalid or truncated sequence gives *cp = U+FFFD and length 1.
size_t DecodeUtf8(std::string_view s, uint32_t* cp);

// Go's strings.TrimSpace (ASCII and Unicode white space).
std::string_view TrimGoSpace(std::string_view s);

// Reads the Go string literal (`"..."` or `` `...` ``) at the start of `s` as strconv.QuotedPrefix +
// strconv.Unquote do. On success appends the unquoted value to *out, sets *consumed to the
// literal's length and returns true; otherwise leaves *out unchanged and returns false.
bool UnquoteGoPrefix(std::string_view s, std::string* out, size_t* consumed);

}  // namespace pattern_internal

}  // namespace vl::logsql::pipes
