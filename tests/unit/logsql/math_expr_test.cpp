// The `math` pipe's expression language: values worked out by hand, and behaviours checked
// against VictoriaLogs v1.26 (lib/logstorage/pipe_math.go and pipe_math_test.go).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <random>
#include <string>
#include <vector>

#include "../../../src/logsql/pipes/math_expr.h"
#include "vl/common/time_util.h"

namespace vl::logsql::pipes {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

std::unique_ptr<MathExpr> MustParse(const std::string& text) {
  size_t consumed = 0;
  auto r = MathExpr::Parse(text, &consumed);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  if (!r.ok()) return nullptr;
  return std::move(r).value();
}

std::string Canon(const std::string& text) {
  auto e = MustParse(text);
  return e ? e->String() : "<error>";
}

std::string Print(double v) {
  std::string s;
  AppendMathResult(v, &s);
  return s;
}

// Evaluates `text` over one row whose fields hold the given texts (absent fields are NaN) and
// prints the result as the pipe does.
std::string Calc(const std::string& text, const std::map<std::string, std::string>& row = {}) {
  auto e = MustParse(text);
  if (!e) return "<error>";
  std::vector<double> values;
  for (const auto& f : e->fields()) {
    auto it = row.find(f);
    values.push_back(it == row.end() ? kNaN : MathValue(it->second));
  }
  std::vector<const double*> inputs;
  for (const double& v : values) inputs.push_back(&v);
  double out = -12345;
  e->Eval(inputs, 1, &out);
  return Print(out);
}

struct ParseError {
  std::string message;
  size_t offset = 0;
};

ParseError Err(const std::string& text) {
  size_t consumed = 12345;
  auto r = MathExpr::Parse(text, &consumed);
  EXPECT_FALSE(r.ok()) << text << " parsed as " << (r.ok() ? (*r)->String() : "");
  if (r.ok()) return {};
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("at byte offset " + std::to_string(consumed)), std::string::npos)
      << r.status().message();
  return {r.status().message(), consumed};
}

size_t Consumed(const std::string& text) {
  size_t consumed = 12345;
  auto r = MathExpr::Parse(text, &consumed);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return consumed;
}

bool SameDouble(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::memcmp(&a, &b, sizeof(a)) == 0;
}

// ---------------------------------------------------------------------------------------------

TEST(MathExpr, ArithmeticAndPriorities) {
  EXPECT_EQ(Calc("1 + 2 * 3"), "7");
  EXPECT_EQ(Calc("(1 + 2) * 3"), "9");
  EXPECT_EQ(Calc("2 * 3 ^ 2"), "18");
  EXPECT_EQ(Calc("10 - 4 - 3"), "3");      // left to right
  EXPECT_EQ(Calc("10 - (4 - 3)"), "9");
  EXPECT_EQ(Calc("100 / 10 / 5"), "2");
  EXPECT_EQ(Calc("2 ^ 3 ^ 2"), "64");      // `^` also groups to the left: (2^3)^2
  EXPECT_EQ(Calc("2 ^ (3 ^ 2)"), "512");
  EXPECT_EQ(Calc("10 * 5 - 3"), "47");     // VictoriaLogs pipe_math_test.go
  EXPECT_EQ(Calc("7 - 2 * 3 + 1"), "2");   // 7 - 6 + 1
  EXPECT_EQ(Calc("1 + 6 / 2 * 3"), "10");  // 1 + (6 / 2) * 3
  EXPECT_EQ(Calc("2*3+4*5"), "26");
  // VictoriaLogs rebalances one level only: `1 + 2 * 3 ^ 2` is 1 + (2 * 3) ^ 2 = 37, not 19.
  EXPECT_EQ(Calc("1 + 2 * 3 ^ 2"), "37");
  EXPECT_EQ(Canon("1 + 2 * 3 ^ 2"), "1 + (2 * 3) ^ 2");
  EXPECT_EQ(Calc("1 + 2 * (3 ^ 2)"), "19");
}

TEST(MathExpr, UnaryMinusAndPlus) {
  EXPECT_EQ(Calc("-3 + 5"), "2");
  EXPECT_EQ(Calc("-2 ^ 2"), "4");          // unary minus takes the operand: (-2) ^ 2
  EXPECT_EQ(Calc("-(2 ^ 2)"), "-4");
  EXPECT_EQ(Calc("2 ^ -1"), "0.5");
  EXPECT_EQ(Calc("5 - -3"), "8");
  EXPECT_EQ(Calc("--4"), "4");
  EXPECT_EQ(Calc("+4 + +1"), "5");
  EXPECT_EQ(Calc("-x", {{"x", "2.5"}}), "-2.5");
  EXPECT_EQ(Calc("-1.5K"), "-1500");       // pipe_math_test.go
  EXPECT_EQ(Calc("0 * -1"), "-0");
}

TEST(MathExpr, DivisionAndModulo) {
  EXPECT_EQ(Calc("7 / 2"), "3.5");
  EXPECT_EQ(Calc("1 / 0"), "+Inf");
  EXPECT_EQ(Calc("-1 / 0"), "-Inf");
  EXPECT_EQ(Calc("0 / 0"), "NaN");
  EXPECT_EQ(Calc("7 % 3"), "1");
  EXPECT_EQ(Calc("-7 % 3"), "-1");        // sign of the dividend
  EXPECT_EQ(Calc("7 % -3"), "1");
  EXPECT_EQ(Calc("7.5 % 2"), "1.5");
  EXPECT_EQ(Calc("-7.5 % 2"), "-1.5");
  EXPECT_EQ(Calc("7 % 0"), "NaN");        // VictoriaLogs panics (integer % 0); NaN here
  EXPECT_EQ(Calc("7.5 % 0"), "NaN");
  EXPECT_EQ(Calc("a % 3", {{"a", "x"}}), "NaN");
  EXPECT_EQ(Calc("inf % 3"), "NaN");
  EXPECT_EQ(Calc("5 % inf"), "5");
  EXPECT_EQ(Calc("-9223372036854775808 % -1"), "0");
}

TEST(MathExpr, BitwiseOperators) {
  EXPECT_EQ(Calc("0xff & 0x0f"), "15");
  EXPECT_EQ(Calc("12 & 10"), "8");
  EXPECT_EQ(Calc("12 or 3"), "15");
  EXPECT_EQ(Calc("12 xor 10"), "6");
  EXPECT_EQ(Calc("1 or 2 & 3"), "3");      // 1 | (2 & 3)
  EXPECT_EQ(Calc("6 xor 3 or 8"), "13");   // (6 ^ 3) | 8
  EXPECT_EQ(Calc("12 & 10 xor 1"), "9");   // (12 & 10) ^ 1
  EXPECT_EQ(Calc("5 or 3 xor 1"), "7");    // 5 | (3 ^ 1)
  EXPECT_EQ(Calc("1 + 2 & 7"), "3");       // (1 + 2) & 7
  EXPECT_EQ(Calc("5.9 & 3"), "1");         // operands are truncated
  EXPECT_EQ(Calc("-1 & 255"), "255");      // -1 is 2^64-1 as Go converts it on amd64
  EXPECT_EQ(Calc("a & 1", {{"a", "-"}}), "0");  // "-" reads as a zero duration
  EXPECT_EQ(Calc("a & 1"), "NaN");
  EXPECT_EQ(Calc("1 or a"), "NaN");
  EXPECT_EQ(Calc("a xor 1", {{"a", "x"}}), "NaN");
}

TEST(MathExpr, Default) {
  EXPECT_EQ(Calc("a default 7"), "7");
  EXPECT_EQ(Calc("a default 7", {{"a", "3"}}), "3");
  EXPECT_EQ(Calc("a default 7", {{"a", "inf"}}), "+Inf");
  EXPECT_EQ(Calc("a default b default 9"), "9");
  EXPECT_EQ(Calc("a default b default 9", {{"b", "2"}}), "2");
  EXPECT_EQ(Calc("1 + a default 5"), "5");  // (1 + a) default 5
  EXPECT_EQ(Calc("a default 1 + 5"), "6");  // a default (1 + 5)
  // pipe_math_test.go: `math a / b default c`.
  EXPECT_EQ(Calc("a / b default c", {{"a", "v1"}, {"b", "2"}, {"c", "3"}}), "3");
  EXPECT_EQ(Calc("a / b default c", {{"a", "0"}, {"b", "0"}, {"c", "3"}}), "3");
  EXPECT_EQ(Calc("a / b default c", {{"a", "3"}, {"b", "2"}}), "1.5");
  EXPECT_EQ(Calc("a / b default c", {{"a", "3"}, {"b", "foo"}}), "NaN");
  EXPECT_EQ(Calc("1 / 0 default 5"), "+Inf");  // only NaN is replaced
}

TEST(MathExpr, NaNPropagates) {
  EXPECT_EQ(Calc("a + 1"), "NaN");
  EXPECT_EQ(Calc("a * 0"), "NaN");
  EXPECT_EQ(Calc("a ^ 0"), "1");  // pow(NaN, 0) is 1
  EXPECT_EQ(Calc("abs(a)"), "NaN");
  EXPECT_EQ(Calc("round(a, 0.1)"), "NaN");
  EXPECT_EQ(Calc("round(1.5, a)"), "NaN");
  EXPECT_EQ(Calc("-a"), "NaN");
  EXPECT_EQ(Calc("a", {{"a", "v1"}}), "NaN");  // pipe_math_test.go `math a as a`
}

TEST(MathExpr, Functions) {
  EXPECT_EQ(Calc("abs(-3)"), "3");
  EXPECT_EQ(Calc("abs(3)"), "3");
  EXPECT_EQ(Calc("ceil(1.2)"), "2");
  EXPECT_EQ(Calc("ceil(-1.2)"), "-1");
  EXPECT_EQ(Calc("floor(-1.2)"), "-2");
  EXPECT_EQ(Calc("floor(1.9)"), "1");
  EXPECT_EQ(Calc("exp(0)"), "1");
  EXPECT_EQ(Calc("ln(1)"), "0");
  EXPECT_EQ(Calc("ln(0)"), "-Inf");
  EXPECT_EQ(Calc("ln(-1)"), "NaN");
  EXPECT_EQ(Calc("max(1, 5, 3)"), "5");
  EXPECT_EQ(Calc("min(4, 2, 8)"), "2");
  EXPECT_EQ(Calc("max(a, 1)"), "1");  // NaN arguments are skipped
  EXPECT_EQ(Calc("max(1, a)"), "1");
  EXPECT_EQ(Calc("min(a, -1, b)"), "-1");
  EXPECT_EQ(Calc("min(a, b)"), "NaN");
  EXPECT_EQ(Calc("max(1, 2,)"), "2");  // a trailing comma is accepted
  EXPECT_EQ(Calc("round(2.5)"), "3");  // half away from zero
  EXPECT_EQ(Calc("round(-2.5)"), "-3");
  EXPECT_EQ(Calc("round(2.4)"), "2");
  EXPECT_EQ(Calc("round(3.14159, 0.01)"), "3.14");
  EXPECT_EQ(Calc("round(3.146, 0.01)"), "3.15");
  EXPECT_EQ(Calc("round(1234, 100)"), "1200");
  EXPECT_EQ(Calc("round(1250, 100)"), "1300");
  EXPECT_EQ(Calc("round(-1250, 100)"), "-1300");
  EXPECT_EQ(Calc("round(17, 5)"), "15");
  EXPECT_EQ(Calc("round(18, 5)"), "20");
  EXPECT_EQ(Calc("round(0.123456, 0.001)"), "0.123");
  EXPECT_EQ(Calc("round(7, 0)"), "NaN");
  EXPECT_EQ(Calc("ROUND(2.5)"), "3");  // function names are case-insensitive
  // pipe_math_test.go: round/exp/ln/ceil/floor table.
  EXPECT_EQ(Calc("round(exp(a), 0.01)", {{"a", "0"}}), "1");
  EXPECT_EQ(Calc("round(exp(a), 0.01)", {{"a", "1"}}), "2.72");
  EXPECT_EQ(Calc("round(exp(a), 0.01)", {{"a", "2"}}), "7.39");
  EXPECT_EQ(Calc("round(exp(a), 0.01)", {{"a", "3"}}), "20.09");
  EXPECT_EQ(Calc("round(ln(a), 0.01)", {{"a", "0"}}), "NaN");
  EXPECT_EQ(Calc("round(ln(a), 0.01)", {{"a", "1"}}), "0");
  EXPECT_EQ(Calc("round(ln(a), 0.01)", {{"a", "2"}}), "0.69");
  EXPECT_EQ(Calc("round(ln(a), 0.01)", {{"a", "3"}}), "1.1");
  EXPECT_EQ(Calc("ceil(exp(a))", {{"a", "3"}}), "21");
  EXPECT_EQ(Calc("floor(exp(a))", {{"a", "3"}}), "20");
  EXPECT_EQ(Calc("abs(-min(a,b))", {{"a", "v1"}, {"b", "2"}}), "2");
  EXPECT_EQ(Calc("round(max(40*b/30,c))", {{"b", "2"}, {"c", "3"}}), "3");
  const std::string rounded = "round((2*c + (b%c))/(c-b)^(b-1), -0.001)";
  EXPECT_EQ(Calc(rounded, {{"b", "2"}, {"c", "3"}}), "8");
  EXPECT_EQ(Calc(rounded, {{"b", "3"}, {"c", "5"}}), "3.25");
  EXPECT_EQ(Calc(rounded, {{"b", "3"}, {"c", "6"}}), "1.667");
}

// exp, ln and ^ give Go's amd64 results, which are not always the correctly rounded ones the C
// library gives (values printed by VictoriaLogs' own code, run with Go on amd64 with FMA).
TEST(MathExpr, ExpLnPowMatchGo) {
  EXPECT_EQ(Calc("ln(3)"), "1.0986122886681096");  // libm: 1.0986122886681098
  EXPECT_EQ(Calc("ln(10)"), "2.302585092994046");
  EXPECT_EQ(Calc("ln(0.7071067811865476)"), "-0.3465735902799726");
  EXPECT_EQ(Calc("exp(1)"), "2.718281828459045");
  EXPECT_EQ(Calc("exp(10)"), "22026.465794806718");
  EXPECT_EQ(Calc("exp(-1)"), "0.36787944117144233");
  EXPECT_EQ(Calc("exp(710)"), "+Inf");
  EXPECT_EQ(Calc("exp(-746)"), "0");
  EXPECT_EQ(Calc("exp(-inf)"), "0");
  EXPECT_EQ(Calc("1.5 ^ 0.25"), "1.1066819197003217");  // libm: 1.1066819197003215
  EXPECT_EQ(Calc("1.1 ^ 100"), "13780.612339822364");   // libm: 13780.61233982238
  EXPECT_EQ(Calc("1e20 ^ -7"), "0." + std::string(139, '0') + "10000000000000001");  // libm: 1e-140
  EXPECT_EQ(Calc("74.8355315246074 ^ 4"), "31363996.04728065");
  EXPECT_EQ(Calc("2 ^ 0.5"), "1.4142135623730951");
  EXPECT_EQ(Calc("10 ^ -3"), "0.001");
  EXPECT_EQ(Calc("(-2) ^ 3"), "-8");
  EXPECT_EQ(Calc("(-8) ^ (1 / 3)"), "NaN");
  EXPECT_EQ(Calc("0 ^ -1"), "+Inf");
  EXPECT_EQ(Calc("-0 ^ -1"), "-Inf");  // (-0) ^ -1
  EXPECT_EQ(Calc("inf ^ -1"), "0");
  EXPECT_EQ(Calc("(-inf) ^ 3"), "-Inf");
  EXPECT_EQ(Calc("(-1) ^ inf"), "1");
  EXPECT_EQ(Calc("0.5 ^ inf"), "0");
}

TEST(MathExpr, NowAndRand) {
  auto now = MustParse("now()");
  ASSERT_TRUE(now);
  EXPECT_TRUE(now->fields().empty());
  double before = static_cast<double>(NowNanos());
  double out[3];
  now->Eval({}, 3, out);
  double after = static_cast<double>(NowNanos());
  EXPECT_GE(out[0], before);
  EXPECT_LE(out[0], after);
  EXPECT_EQ(out[0], out[2]);  // one reading per evaluation

  auto rnd = MustParse("rand()");
  ASSERT_TRUE(rnd);
  std::vector<double> r(1000);
  rnd->Eval({}, r.size(), r.data());
  std::set<double> distinct(r.begin(), r.end());
  EXPECT_GT(distinct.size(), 990u);
  for (double v : r) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  EXPECT_EQ(Canon("rand ( ) * 10"), "rand() * 10");
  EXPECT_EQ(Canon("round((now() - max_time) / 1s)"), "round((now() - max_time) / 1s)");
}

TEST(MathExpr, FieldsAndLiterals) {
  auto e = MustParse("b + a * b - c.d / a");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->fields(), (std::vector<std::string>{"b", "a", "c.d"}));
  EXPECT_EQ(Calc("2*c + b", {{"b", "2"}, {"c", "3"}}), "8");
  EXPECT_EQ(Calc("\"foo bar\" * 2", {{"foo bar", "21"}}), "42");
  EXPECT_EQ(Canon("\"foo bar\" * 2"), "\"foo bar\" * 2");
  EXPECT_EQ(Calc("'' + 1", {{"_msg", "41"}}), "42");  // a quoted "" is _msg
  EXPECT_EQ(MustParse("\"\" + _msg")->fields(), (std::vector<std::string>{"_msg"}));
  // Glued tokens make one name; `-` and other operator signs split.
  EXPECT_EQ(MustParse("foo:bar+x&y")->fields(), (std::vector<std::string>{"foo:bar", "x&y"}));
  EXPECT_EQ(Calc("a-b", {{"a", "5"}, {"b", "3"}}), "2");
  EXPECT_EQ(Calc("xor xor default", {{"xor", "6"}, {"default", "3"}}), "5");  // operator words as fields
  // Literals: everything MathValue reads, when the token starts like a number.
  EXPECT_EQ(Calc("1h5m / 1s"), "3900");
  EXPECT_EQ(Calc("10KB + 1KiB"), "11024");
  EXPECT_EQ(Calc("0x1F + 1_000"), "1031");
  EXPECT_EQ(Calc("1.5e3"), "1500");
  EXPECT_EQ(Calc(".5 * 4"), "2");
  EXPECT_EQ(Calc("1.2.3.4"), "16909060");
  EXPECT_EQ(Calc("12.345KB"), "12345");
  EXPECT_EQ(Calc("-inf"), "-Inf");
  // A quoted token that starts like a number is a literal (pipe_math_test.go).
  EXPECT_EQ(Calc("'2024-05-30T01:02:03Z' + 10e9"), "1717030933000000000");
  EXPECT_EQ(Calc("10m5s + 10e9"), "615000000000");
  EXPECT_EQ(Calc("'123.45.67.89' + 1000"), "2066564929");
  EXPECT_EQ(Calc("time - time % time_step", {{"time", "1717030933000000000"}, {"time_step", "30m"}}),
            "1717030800000000000");
  EXPECT_EQ(Calc("duration - duration % duration_step", {{"duration", "615000000000"}, {"duration_step", "30s"}}),
            "600000000000");
  EXPECT_EQ(Calc("(ip & ip_mask or 0x1234) xor 5678", {{"ip", "2066564929"}, {"ip_mask", "0xffffff00"}}),
            "2066563354");
}

TEST(MathExpr, VectorisedEvaluation) {
  auto e = MustParse("a * 2 + b default -1");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->fields(), (std::vector<std::string>{"a", "b"}));
  const double a[] = {1, 2, kNaN, 4, 0.5};
  const double b[] = {10, kNaN, 3, -8, 0};
  double out[5];
  e->Eval({a, b}, 5, out);
  EXPECT_EQ(Print(out[0]), "12");
  EXPECT_EQ(Print(out[1]), "-1");
  EXPECT_EQ(Print(out[2]), "-1");
  EXPECT_EQ(Print(out[3]), "0");
  EXPECT_EQ(Print(out[4]), "1");

  // A bare field copies its input; a literal fills every row; inputs are not modified.
  auto f = MustParse("a");
  f->Eval({a}, 5, out);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(SameDouble(out[i], a[i]));
  auto c = MustParse("(3)");
  c->Eval({}, 5, out);
  for (double v : out) EXPECT_EQ(v, 3);
  EXPECT_EQ(a[0], 1);

  // Deep right-nested trees use scratch arrays; functions with many arguments too.
  auto g = MustParse("max(a, b, a - (b - (a - (b - 1))), min(a, b, 7), a * (b * (a + b)))");
  double out2[5];
  g->Eval({a, b}, 5, out2);
  for (int i = 0; i < 5; ++i) {
    double x = a[i], y = b[i];
    double vals[] = {x, y, x - (y - (x - (y - 1))), 0, x * (y * (x + y))};
    double mn = kNaN;
    for (double v : {x, y, 7.0}) mn = (std::isnan(mn) || v < mn) ? v : mn;
    vals[3] = mn;
    double mx = kNaN;
    for (double v : vals) mx = (std::isnan(mx) || v > mx) ? v : mx;
    EXPECT_TRUE(SameDouble(out2[i], mx)) << i << ": " << out2[i] << " vs " << mx;
  }
  e->Eval({a, b}, 0, nullptr);  // no rows: nothing to do

  auto copy = g->Clone();
  EXPECT_EQ(copy->String(), g->String());
  EXPECT_EQ(copy->fields(), g->fields());
  double out3[5];
  copy->Eval({a, b}, 5, out3);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(SameDouble(out2[i], out3[i]));
}

TEST(MathExpr, CanonicalText) {
  EXPECT_EQ(Canon("a+b*c"), "a + b * c");
  EXPECT_EQ(Canon("(a+b)*c"), "(a + b) * c");
  EXPECT_EQ(Canon("a*(b+c)"), "a * (b + c)");
  EXPECT_EQ(Canon("(a*b)+c"), "a * b + c");
  EXPECT_EQ(Canon("a-(b-c)"), "a - (b - c)");
  EXPECT_EQ(Canon("(a-b)-c"), "a - b - c");
  EXPECT_EQ(Canon("a-(b+c)"), "a - (b + c)");
  EXPECT_EQ(Canon("a^(b^c)"), "a ^ (b ^ c)");
  EXPECT_EQ(Canon("((a))"), "a");
  EXPECT_EQ(Canon("-(a+b)"), "-(a + b)");
  EXPECT_EQ(Canon("-(abs(a))"), "-abs(a)");
  EXPECT_EQ(Canon("- - a"), "--a");
  EXPECT_EQ(Canon("+a"), "a");
  EXPECT_EQ(Canon("MAX( a ,b )"), "max(a, b)");
  EXPECT_EQ(Canon("max(a, b,)"), "max(a, b)");
  // One-level rebalancing: `a or b xor c & d` is a or ((b xor c) & d), printed so.
  EXPECT_EQ(Canon("a or b xor c & d"), "a or (b xor c) & d");
  EXPECT_EQ(Calc("4 or 1 xor 3 & 2"), "6");  // 4 | ((1 ^ 3) & 2) = 4 | 2
  // VictoriaLogs' text for `a or b xor (c - d)` loses the parentheses it needs; the
  // reparseable text keeps them.
  auto lossy = MustParse("a or b xor (c - d)");
  ASSERT_TRUE(lossy);
  EXPECT_EQ(lossy->String(), "a or b xor c - d");
  EXPECT_EQ(lossy->ReparseableString(), "a or (b xor c - d)");
  EXPECT_EQ(Canon(lossy->ReparseableString()), "a or b xor c - d");
  EXPECT_EQ(Calc("16 or 3 xor (2 * 4)"), "27");  // 16 | (3 ^ 8)
  EXPECT_EQ(Calc("16 or 3 xor 2 * 4"), "20");    // 16 | ((3 ^ 2) * 4)
  EXPECT_EQ(Calc("16 or (3 xor 2 * 4)"), "27");
  EXPECT_EQ(MustParse("a + b * c")->ReparseableString(), "a + b * c");
  EXPECT_EQ(MustParse("a default b * c - d")->ReparseableString(), "a default b * c - d");
  EXPECT_EQ(Canon("(a or b) & c"), "(a or b) & c");
  EXPECT_EQ(Canon("a default (b default c)"), "a default (b default c)");
  EXPECT_EQ(Canon("1_000 + 0x1F + 1h5m + 10KiB"), "1_000 + 0x1F + 1h5m + 10KiB");  // literals as written
  EXPECT_EQ(Canon("a # comment\n + 1"), "a + 1");
  // Names are quoted as VictoriaLogs quotes them.
  EXPECT_EQ(Canon("\"a b\" + 'c-d' + `e`"), "\"a b\" + \"c-d\" + e");
  EXPECT_EQ(Canon("\"now\" + \"or\" + \"count\""), "\"now\" + \"or\" + \"count\"");
  EXPECT_EQ(Canon("\"as\" + \"pack_logfmt\""), "as + pack_logfmt");
  // Quoted literals and fields named like functions print as VictoriaLogs prints them;
  // ReparseableString keeps them readable.
  auto q = MustParse("'2024-05-30T01:02:03Z' + \"abs\"");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->String(), "2024-05-30T01:02:03Z + abs");
  EXPECT_EQ(q->ReparseableString(), "\"2024-05-30T01:02:03Z\" + \"abs\"");
  EXPECT_EQ(Canon(q->ReparseableString()), q->String());
}

TEST(MathExpr, EntryTextMatchesVictoriaLogsPipeTests) {
  // TestParsePipeMathSuccess in pipe_math_test.go: the pipe prints back exactly these.
  const char* entries[] = {
      "b as a",
      "-123 as a",
      "12.345KB as a",
      "(-2 + 2) as a",
      "x as a",
      "(foo / bar + baz * abc % -45ms) as a",
      "(foo / (bar + baz) * abc ^ 2) as a",
      "(foo / ((bar + baz) * abc) ^ -2) as a",
      "(foo + bar / baz - abc) as a",
      "min(3, foo, (1 + bar) / baz) as a",
      "max(a, b) as b",
      "(abs(c) + 5) as d",
      "round(foo) as x",
      "rand() as y",
      "round(foo, 0.1) as y",
      "(a / b default 10) as z",
      "(ln(a) + exp(b)) as x",
      "(x / (24 * 3600)) as x",
      "(x / (1d / 1s)) as x",
      "(x / 1d * 1s) as x",
      "(x - y + z) as x",
      "(x - (y + z)) as x",
      "now() as current_time",
      "round((now() - max_time) / 1s) as duration_seconds",
  };
  for (const std::string entry : entries) {
    size_t consumed = 0;
    auto r = MathExpr::Parse(entry, &consumed);
    ASSERT_TRUE(r.ok()) << entry << ": " << r.status().message();
    size_t as = entry.rfind(" as ");
    EXPECT_EQ(consumed, as) << entry;
    EXPECT_EQ((*r)->EntryString(entry.substr(as + 4)), entry);
  }
  EXPECT_EQ(MustParse("a + 1")->EntryString("x y"), "(a + 1) as \"x y\"");
  EXPECT_EQ(MustParse("a + 1")->EntryString("now"), "(a + 1) as \"now\"");
  EXPECT_EQ(MustParse("a + 1")->EntryString("a + 1"), "(a + 1) as \"a + 1\"");
}

TEST(MathExpr, WhereParsingStops) {
  EXPECT_EQ(Consumed("a + 1 as x"), 5u);
  EXPECT_EQ(Consumed("a + 1 AS x"), 5u);
  EXPECT_EQ(Consumed("a+1, b"), 3u);
  EXPECT_EQ(Consumed("a | fields x"), 1u);
  EXPECT_EQ(Consumed("a) x"), 1u);
  EXPECT_EQ(Consumed("max(a, b) y"), 9u);
  EXPECT_EQ(Consumed("  a   "), 3u);
  EXPECT_EQ(Consumed("a # comment"), 1u);
  EXPECT_EQ(Consumed("a XOR b"), 1u);  // operator words are lower-case only
  EXPECT_EQ(Consumed("10 * 5 - 3 a"), 10u);
  EXPECT_EQ(Consumed("a>=b"), 2u);     // `a>` is a name; `=` ends it
  EXPECT_EQ(Consumed("x \"+\" 1"), 7u);  // a quoted operator still works as one
  EXPECT_EQ(Calc("x \"+\" 1", {{"x", "1"}}), "2");
  EXPECT_EQ(Consumed("(a) b"), 3u);
}

TEST(MathExpr, ParseErrorsNameThePosition) {
  ParseError e = Err("");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_NE(e.message.find("missing operand"), std::string::npos) << e.message;
  EXPECT_EQ(Err("a +").offset, 3u);
  e = Err("a + * b");
  EXPECT_EQ(e.offset, 4u);
  EXPECT_NE(e.message.find("\"*\""), std::string::npos) << e.message;
  EXPECT_EQ(Err("| a").offset, 0u);
  EXPECT_EQ(Err("a + , b").offset, 4u);
  e = Err("(a + b");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_NE(e.message.find("missing ')'"), std::string::npos) << e.message;
  EXPECT_EQ(Err("(a + b x").offset, 7u);
  e = Err("x + abs(a, b)");
  EXPECT_EQ(e.offset, 4u);
  EXPECT_NE(e.message.find("'abs' function needs one arg; got 2 args: [abs(a, b)]"), std::string::npos)
      << e.message;
  EXPECT_EQ(Err("abs()").offset, 0u);
  e = Err("abs a");
  EXPECT_EQ(e.offset, 4u);
  EXPECT_NE(e.message.find("missing '('"), std::string::npos) << e.message;
  EXPECT_EQ(Err("max(a)").offset, 0u);
  EXPECT_EQ(Err("min()").offset, 0u);
  EXPECT_EQ(Err("round()").offset, 0u);
  EXPECT_EQ(Err("round(a, b, c)").offset, 0u);
  EXPECT_EQ(Err("1 + now(1)").offset, 4u);
  EXPECT_EQ(Err("rand(1)").offset, 0u);
  e = Err("max(a b)");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_NE(e.message.find("want ',' or ')'"), std::string::npos) << e.message;
  EXPECT_EQ(Err("max(, a)").offset, 4u);
  e = Err("a + 1x");
  EXPECT_EQ(e.offset, 4u);
  EXPECT_NE(e.message.find("cannot parse number from \"1x\""), std::string::npos) << e.message;
  EXPECT_EQ(Err("a * 1e-3").offset, 4u);  // `1e` then `-`: VictoriaLogs reads no exponent sign
  EXPECT_EQ(Err("'12' + '1 2'").offset, 7u);
  EXPECT_EQ(Err("(foo*) as y").offset, 5u);  // pipe_math_test.go failures
  EXPECT_EQ(Err("* as y").offset, 0u);
  EXPECT_EQ(Err("now").offset, 3u);  // a field named like a function must be quoted
  EXPECT_EQ(Err("abs(a").offset, 5u);
  e = Err("a + \"abc");  // quoting errors come from the lexer
  EXPECT_EQ(e.offset, 4u);
  EXPECT_NE(e.message.find("missing closing quote"), std::string::npos) << e.message;
}

// Joins pieces (GCC 12 warns falsely about `"literal" + std::string`).
std::string Concat(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) out += p;
  return out;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(MathExpr, DeepNestingIsRefusedNotRecursedInto) {
  EXPECT_EQ(Calc(Repeat("(", 999) + "7" + Repeat(")", 999)), "7");
  EXPECT_EQ(Calc(Repeat("abs(", 998) + "-7" + Repeat(")", 998)), "7");
  for (size_t n : {1'001u, 100'000u}) {
    ParseError e = Err(Repeat("(", n) + "a" + Repeat(")", n));
    EXPECT_NE(e.message.find("nested deeper than 1000 levels"), std::string::npos) << e.message.substr(0, 200);
    EXPECT_EQ(e.offset, 1000u);
    e = Err(Repeat("-", n) + "a");
    EXPECT_NE(e.message.find("nested deeper than 1000 levels"), std::string::npos);
    e = Err(Repeat("max(1, ", n) + "a" + Repeat(")", n));
    EXPECT_NE(e.message.find("nested deeper than 1000 levels"), std::string::npos);
  }
  // Long operator chains make deep trees too.
  EXPECT_EQ(Calc(Concat({"1", Repeat(" + 1", 900)})), "901");
  ParseError e = Err(Concat({"1", Repeat(" + 1", 5'000)}));
  EXPECT_NE(e.message.find("nested deeper than 1000 levels"), std::string::npos);
  EXPECT_EQ(e.offset, 4 * 1000u - 2);  // the 1000th operator made the tree too deep
  // Unary plus adds no level.
  EXPECT_EQ(Calc(Repeat("+", 100'000) + "3"), "3");
  // Wide is fine.
  std::string wide = "max(0";
  for (int i = 1; i <= 20'000; ++i) wide += ", " + std::to_string(i);
  EXPECT_EQ(Calc(wide + ")"), "20000");
  // Many distinct fields; error messages stay short however long the input.
  std::string many = "max(f0";
  for (int i = 1; i < 20'000; ++i) many += ", f" + std::to_string(i);
  auto m = MustParse(many + ")");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->fields().size(), 20'000u);
  EXPECT_EQ(m->fields()[19'999], "f19999");
  ParseError bad = Err(many + " x)");
  EXPECT_LT(bad.message.size(), 600u);
}

TEST(MathValue, Numbers) {
  EXPECT_EQ(MathValue("12"), 12);
  EXPECT_EQ(MathValue("-3.25"), -3.25);
  EXPECT_EQ(MathValue("1_000"), 1000);
  EXPECT_EQ(MathValue("1e3"), 1000);
  EXPECT_EQ(MathValue("1.5E-3"), 0.0015);
  EXPECT_EQ(MathValue("1_0e2"), 1000);
  EXPECT_EQ(MathValue(".5"), 0.5);
  EXPECT_EQ(MathValue("5."), 5);
  EXPECT_EQ(MathValue("+7"), 7);
  EXPECT_EQ(MathValue("017"), 17);  // decimal, not octal
  EXPECT_EQ(MathValue("0x1F"), 31);
  EXPECT_EQ(MathValue("-0x10"), -16);
  EXPECT_EQ(MathValue("0x_1F"), 31);
  EXPECT_EQ(MathValue("0b101"), 5);
  EXPECT_EQ(MathValue("0o17"), 15);
  EXPECT_EQ(MathValue("0x1p-2"), 0.25);
  EXPECT_EQ(MathValue("0x1.8p1"), 3);
  EXPECT_EQ(MathValue("inf"), kInf);
  EXPECT_EQ(MathValue("-Inf"), -kInf);
  EXPECT_EQ(MathValue("18446744073709551615"), 18446744073709551615.0);
  EXPECT_EQ(MathValue("1e-400"), 0);
  EXPECT_TRUE(std::signbit(MathValue("-0")));
  for (const char* bad : {"", "abc", "nan", "NaN", "infinity", "1e400", "12abc", "1e", "0x", "0x1FG", "1__0e2",
                          "1.2.3", "0xFFFFFFFFFFFFFFFF", "1_", "_1e2", ".", "-", "1..2"}) {
    double v = MathValue(bad);
    // Exceptions VictoriaLogs has: "-" is an empty duration (0), "1_" is 1.
    if (std::string(bad) == "-") {
      EXPECT_EQ(v, 0) << bad;
    } else if (std::string(bad) == "1_") {
      EXPECT_EQ(v, 1) << bad;
    } else {
      EXPECT_TRUE(std::isnan(v)) << bad << " -> " << v;
    }
  }
}

TEST(MathValue, DurationsAndSizes) {
  EXPECT_EQ(MathValue("1h5m"), 3'900e9);
  EXPECT_EQ(MathValue("1.5s"), 1.5e9);
  EXPECT_EQ(MathValue("500ms"), 5e8);
  EXPECT_EQ(MathValue("1\xC2\xB5s"), 1000);
  EXPECT_EQ(MathValue("3ns"), 3);
  EXPECT_EQ(MathValue("-2d"), -2 * 86400e9);
  EXPECT_EQ(MathValue("1w"), 7 * 86400e9);
  EXPECT_EQ(MathValue("1y"), 365 * 86400e9);
  EXPECT_EQ(MathValue("2.5d15m42.345s"), 2.5 * 86400e9 + 15 * 60e9 + 42.345e9);
  EXPECT_TRUE(std::isnan(MathValue("1us")));
  EXPECT_TRUE(std::isnan(MathValue("1mo")));
  EXPECT_TRUE(std::isnan(MathValue("05m")));  // a leading zero is refused
  EXPECT_EQ(MathValue("10KB"), 10'000);
  EXPECT_EQ(MathValue("1KiB"), 1024);
  EXPECT_EQ(MathValue("1.5Ki"), 1536);
  EXPECT_EQ(MathValue("2GiB"), 2.0 * (1 << 30));
  EXPECT_EQ(MathValue("3M"), 3e6);
  EXPECT_EQ(MathValue("1T"), 1e12);
  EXPECT_EQ(MathValue("7B"), 7);
  EXPECT_EQ(MathValue("1K500B"), 1500);
  EXPECT_EQ(MathValue("-1.5K"), -1500);
  EXPECT_TRUE(std::isnan(MathValue("1kb")));  // upper-case only
  EXPECT_TRUE(std::isnan(MathValue("1PB")));
}

TEST(MathValue, TimestampsAndAddresses) {
  EXPECT_EQ(MathValue("2024-05-30T01:02:03Z"), 1717030923e9);
  EXPECT_EQ(MathValue("2024-05-30T01:02:03.5Z"), 1717030923.5e9);
  EXPECT_EQ(MathValue("2024-05-30T01:02:03.123456789Z"), 1717030923123456789.0);
  EXPECT_EQ(MathValue("2024-05-30T03:32:03+02:30"), 1717030923e9);
  EXPECT_EQ(MathValue("2024-05-29T23:02:03-02:00"), 1717030923e9);
  EXPECT_EQ(MathValue("2024-05-30 01:02:03Z"), 1717030923e9);
  EXPECT_EQ(MathValue("2024-05-30T01:02:03"), 1717030923e9);  // no zone: UTC here
  EXPECT_EQ(MathValue("2024-02-30T00:00:00Z"), 1709251200e9);  // rolls over to March 1
  EXPECT_EQ(MathValue("1970-01-01T00:00:00Z"), 0);
  EXPECT_TRUE(std::isnan(MathValue("2024-05-30T01:02Z")));
  EXPECT_TRUE(std::isnan(MathValue("1600-01-01T00:00:00Z")));
  EXPECT_TRUE(std::isnan(MathValue("2024-05-30T01:02:03.1234567890Z")));
  EXPECT_EQ(MathValue("1.2.3.4"), 16909060);
  EXPECT_EQ(MathValue("255.255.255.255"), 4294967295.0);
  EXPECT_EQ(MathValue("0.0.0.0"), 0);
  EXPECT_TRUE(std::isnan(MathValue("256.1.1.1")));
  EXPECT_TRUE(std::isnan(MathValue("1.2.3")));
  EXPECT_TRUE(std::isnan(MathValue("1.2.3.4.5")));
  EXPECT_TRUE(std::isnan(MathValue("1.2.3.4:80")));
}

TEST(MathResult, PrintsLikeGoFormatFloatF) {
  EXPECT_EQ(Print(3), "3");
  EXPECT_EQ(Print(-1.5), "-1.5");
  EXPECT_EQ(Print(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Print(1e21), "1000000000000000000000");
  EXPECT_EQ(Print(1e23), "100000000000000000000000");  // shortest digits, zero padded
  EXPECT_EQ(Print(1e-5), "0.00001");
  EXPECT_EQ(Print(1.5e-7), "0.00000015");
  EXPECT_EQ(Print(123.456), "123.456");
  EXPECT_EQ(Print(1717030933000000000.0), "1717030933000000000");
  EXPECT_EQ(Print(0), "0");
  EXPECT_EQ(Print(-0.0), "-0");
  EXPECT_EQ(Print(kNaN), "NaN");
  EXPECT_EQ(Print(kInf), "+Inf");
  EXPECT_EQ(Print(-kInf), "-Inf");
  EXPECT_EQ(Print(5e-324), "0." + std::string(323, '0') + "5");
  EXPECT_EQ(Print(1.7976931348623157e308).size(), 309u);
  std::string s = "x=";
  AppendMathResult(2, &s);
  EXPECT_EQ(s, "x=2");
}

// Random expressions: the canonical text reads back to itself and evaluates the same.
TEST(MathExpr, RandomExpressionsRoundTrip) {
  std::mt19937 rng(12345);
  const char* ops[] = {"+", "-", "*", "/", "%", "^", "&", "xor", "or", "default"};
  const char* leaves[] = {"a", "b", "c", "2", "3", "0.5", "1h", "0x10", "'4'", "\"f g\"", "inf"};
  const char* funcs1[] = {"abs", "ceil", "floor", "exp", "ln", "round"};
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    int k = depth > 4 ? 0 : static_cast<int>(rng() % 7);
    auto sp = [&] { return rng() % 3 == 0 ? "" : " "; };
    switch (k) {
      case 0:
      case 1:
        return leaves[rng() % std::size(leaves)];
      case 2:
        return Concat({"(", gen(depth + 1), ")"});
      case 3:
        return Concat({"-", gen(depth + 1)});
      case 4:
        return std::string(funcs1[rng() % std::size(funcs1)]) + "(" + gen(depth + 1) + ")";
      case 5:
        return std::string(rng() % 2 ? "max" : "min") + "(" + gen(depth + 1) + ", " + gen(depth + 1) + ")";
      default: {
        std::string op = ops[rng() % std::size(ops)];
        bool word = op.size() > 1 || op == "&";  // `a&b` is one name
        std::string l = gen(depth + 1), r = gen(depth + 1);
        return l + (word ? " " : sp()) + op + (word ? " " : sp()) + r;
      }
    }
  };
  const double a[] = {1, 2.5, kNaN, -3, 7};
  const double b[] = {4, 0, 5, kNaN, 0.25};
  const double c[] = {-1, 3, 2, 8, kNaN};
  const double fg[] = {2, 3, 4, 5, 6};
  std::map<std::string, const double*> columns = {{"a", a}, {"b", b}, {"c", c}, {"f g", fg}};
  auto eval = [&](const MathExpr& e, double* out) {
    std::vector<const double*> in;
    for (const auto& f : e.fields()) in.push_back(columns.at(f));
    e.Eval(in, 5, out);
  };
  for (int iter = 0; iter < 3000; ++iter) {
    std::string text = gen(0);
    size_t consumed = 0;
    auto r = MathExpr::Parse(text, &consumed);
    if (!r.ok()) {
      ADD_FAILURE() << text << ": " << r.status().message();
      continue;
    }
    EXPECT_EQ(consumed, text.size()) << text;
    const std::string canon = (*r)->String();
    const std::string reparseable = (*r)->ReparseableString();
    auto again = MathExpr::Parse(reparseable, nullptr);
    ASSERT_TRUE(again.ok()) << text << " -> " << reparseable << ": " << again.status().message();
    EXPECT_EQ((*again)->String(), canon) << text;
    EXPECT_EQ((*again)->ReparseableString(), reparseable) << text;
    double x[5], y[5];
    eval(**r, x);
    eval(**again, y);
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(SameDouble(x[i], y[i])) << text << " -> " << reparseable << " row " << i;
    // Without quoted literals the VictoriaLogs text itself reads back the same.
    if (canon == reparseable) {
      auto third = MathExpr::Parse(canon, nullptr);
      ASSERT_TRUE(third.ok()) << canon;
      EXPECT_EQ((*third)->String(), canon);
    }
  }
}

}  // namespace
}  // namespace vl::logsql::pipes
