// The expression language of the `math` (`eval`) pipe: parsing, canonical text and vectorised
// evaluation, with VictoriaLogs v1.26 semantics (lib/logstorage/pipe_math.go).
//
//   operands   field names (bare compound words or quoted strings), numeric literals (anything
//              MathValue() reads: `12`, `1.5e3`, `0x1F`, `10KB`, `1h5m`, `1.2.3.4`, ...),
//              `( expr )`, unary `-` / `+` applied to an operand
//   operators  by priority, tightest first: `^`; `*` `/` `%`; `+` `-`; `&`; `xor`; `or`; `default`
//   functions  abs ceil floor exp ln (one arg), max min (two or more), round(x[, nearest]),
//              now() (Unix ns), rand() ([0, 1))
//
// Quirks kept on purpose, because results and default result names must match VictoriaLogs:
//  * Operators are bound by VictoriaLogs' one-step rebalancing rather than full precedence
//    climbing: reading left to right, a new operator that binds tighter than the operator at the
//    top of the tree so far takes only that operator's right operand. So `a + b * c` is
//    `a + (b * c)`, but `a + b * c ^ d` is `a + ((b * c) ^ d)`. Equal priorities group to the
//    left (`2 ^ 3 ^ 2` is 64). String() prints what VictoriaLogs prints for the tree, which
//    reads back the same except in rare cases (see ReparseableString()).
//  * Unary minus takes one operand, not a term: `-2 ^ 2` is `(-2) ^ 2` = 4.
//  * Operator words are lower-case only (`XOR` is not an operator) and are matched on the token's
//    value, so a quoted `"+"` also works as an operator; function names are case-insensitive.
//  * A quoted token that starts like a number is a numeric literal, not a field name
//    (`'2024-05-30T01:02:03Z' + 1`); String() prints such a literal without its quotes, exactly
//    as VictoriaLogs does, which does not always read back (see ReparseableString()).
//  * Operands are glued from adjacent tokens up to whitespace or one of `= + - * / % ^ , ) | !`,
//    so `a-b` is a - b but `a&b` is one field name and `1e-3` fails (`1e`, then `- 3`).
//
// Evaluation follows Go on amd64 to the last bit: exp, ln and ^ reproduce Go's math.Exp /
// math.Log / math.Pow (not the C library's, which differ in the last digit now and then),
// `&` `or` `xor` convert operands as Go does (-1 is 2^64-1), `%` of integral operands is
// integer remainder (sign of the dividend) and otherwise fmod. One deliberate difference:
// VictoriaLogs crashes on an integral `x % 0`; here it is NaN.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"

namespace vl::logsql::pipes {

// Deepest expression tree (operators, unary minus, function calls) and deepest nesting of
// parentheses / function arguments Parse() accepts; deeper input is refused with its position.
inline constexpr size_t kMaxMathExprDepth = 1000;

class MathExpr {
 public:
  struct Node;

  // Parses one expression from the start of `text` (leading whitespace and `#` comments are
  // skipped). Stops, without consuming it, at the first token that cannot continue the
  // expression after an operand: a top-level `,` `|` `)`, the result name (`as`, or a bare
  // name as in `math a+1 b`), or the end of text. Sets *consumed (may be null) to the bytes
  // consumed, trailing whitespace excluded.
  // Errors: InvalidArgument whose message says what is wrong and ends with
  // "at byte offset N" (0-based, in `text`); *consumed is then set to N.
  static vl::Result<std::unique_ptr<MathExpr>> Parse(std::string_view text, size_t* consumed);

  MathExpr();
  ~MathExpr();
  MathExpr(const MathExpr&) = delete;
  MathExpr& operator=(const MathExpr&) = delete;
  std::unique_ptr<MathExpr> Clone() const;

  // Canonical text, exactly as VictoriaLogs prints it (also the default result name when
  // `as name` is omitted): operands joined by " op ", functions as `name(a, b)`, a
  // sub-expression in parentheses only where priority requires it, field names quoted when
  // needed, literals as written.
  std::string String() const;
  // Like String(), but text that Parse() always reads back as this same tree (use it where the
  // text is parsed again, e.g. by another node). It differs from String() where VictoriaLogs'
  // own text does not read back: a literal written as a quoted string keeps its quotes, a field
  // named like a math function is quoted, and a right operand gets parentheses the one-level
  // rebalancing needs (VictoriaLogs prints the tree of `a or b xor (c - d)` as
  // `a or b xor c - d`, which reads back as `a or ((b xor c) - d)`).
  std::string ReparseableString() const;
  // `<expr> as <name>` as the pipe's String() prints one entry: the ReparseableString() of the
  // expression, in parentheses when its top is a binary operator, the name quoted when needed
  // (VictoriaLogs' rules).
  std::string EntryString(std::string_view result_name) const;

  // Field names the expression reads, deduplicated, in first-use order (a quoted `""` reads `_msg`).
  const std::vector<std::string>& fields() const { return fields_; }

  // Vectorised evaluation over `rows` rows: inputs[i] holds the values of fields()[i] (NaN for
  // missing or non-numeric, see MathValue()); writes `rows` results to out. Evaluates node by
  // node over whole arrays. `out` must not overlap the inputs. Safe to call concurrently.
  void Eval(const std::vector<const double*>& inputs, size_t rows, double* out) const;

 private:
  std::unique_ptr<Node> root_;
  std::vector<std::string> fields_;
  size_t scratch_arrays_ = 0;  // temporary row arrays Eval needs
};

// Numeric value of a field's text as `math` reads it (VictoriaLogs parseMathNumber):
//  * decimal numbers: `12`, `-3.25`, `1_000`; then durations `1h5m`, `1.5s`, `-2d`, units
//    ns µs ms s m h d w y (`us` is not a unit) -> nanoseconds; then sizes `10KB`, `1.5Ki`,
//    `2GiB`, `3B` (upper-case, K M G T powers of 1000, Ki Mi Gi Ti powers of 1024) -> bytes;
//    then Go float / int syntax for text starting like a number: `1e3`, `.5`, `+7`, `inf`,
//    `0x1F`, `0b101`, `0o17`, `0x1p-2`;
//  * RFC3339 timestamps (`2024-05-30T01:02:03.5Z`, `+hh:mm` offsets, space for `T`; no zone
//    means UTC) -> Unix nanoseconds;
//  * dotted IPv4 -> uint32;
//  * anything else -> NaN.
// VictoriaLogs' oddities are kept: a lone `-` is an empty duration (0), `1_` is 1, `017` is 17.
double MathValue(std::string_view text);

// Appends a result the way the math pipe prints it (Go strconv 'f' format, shortest round-trip
// digits, never an exponent): `3`, `-1.5`, `0.00001`, `1000000000000000000000`, `-0`, `NaN`,
// `+Inf`, `-Inf`.
void AppendMathResult(double v, std::string* out);

}  // namespace vl::logsql::pipes
