// Expected values follow VictoriaLogs v1.26.0 (lib/logstorage: pipe_collapse_nums.go,
// color_sequence.go, logfmt_parser.go, rows.go, syslog_parser.go, pipe_unpack_words.go,
// pipe_unroll.go and the fastjson/quicktemplate/strconv rules they rely on).
#include "../../../src/logsql/pipes/text_funcs.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "vl/logsql/syslog_parser.h"
#include "vl/common/civil_date.h"

namespace vl::logsql::pipes {
namespace {

std::string Collapse(std::string_view s, bool prettify = false) {
  std::string out = "prefix:";  // functions append
  CollapseNums(s, prettify, &out);
  EXPECT_EQ(out.substr(0, 7), "prefix:");
  return out.substr(7);
}

TEST(CollapseNums, NumbersAndWords) {
  EXPECT_EQ(Collapse(""), "");
  EXPECT_EQ(Collapse("foo"), "foo");
  EXPECT_EQ(Collapse("ad"), "ad");    // hex needs >= 4 chars
  EXPECT_EQ(Collapse("abc"), "abc");  // ... and an even count
  EXPECT_EQ(Collapse("deadbeef"), "<N>");
  EXPECT_EQ(Collapse("a b c d e f ad be:eac,dead beef ab"), "a b c d e f ad be:eac,<N> <N> ab");
  EXPECT_EQ(Collapse("0"), "<N>");
  EXPECT_EQ(Collapse("1234567890"), "<N>");
  EXPECT_EQ(Collapse("123"), "<N>");  // decimal: any length
  EXPECT_EQ(Collapse("1foo"), "1foo");
  EXPECT_EQ(Collapse("1 foo"), "<N> foo");
  EXPECT_EQ(Collapse("a1foo2bar34"), "a1foo2bar34");  // digits inside words stay
  EXPECT_EQ(Collapse("abc_123 x_1"), "abc_123 x_1");  // '_' is a word char
  EXPECT_EQ(Collapse("user-42 id=7"), "user-<N> id=<N>");
  EXPECT_EQ(Collapse("1.23.45.67"), "<N>.<N>.<N>.<N>");
  EXPECT_EQ(Collapse("dead1"), "dead1");  // 5 chars with hex letters
  EXPECT_EQ(Collapse("abcd-ef"), "<N>-ef");
}

TEST(CollapseNums, UnitPrefixesAndSuffixes) {
  EXPECT_EQ(Collapse("a.1Zfoo.2Tbar:34"), "a.<N>Zfoo.<N>Tbar:<N>");
  EXPECT_EQ(Collapse("2024-12-25T10:20:30Z foo"), "<N>-<N>-<N>T<N>:<N>:<N>Z foo");
  EXPECT_EQ(Collapse("2024-12-25T10:20:30.123324+05:00 foo"), "<N>-<N>-<N>T<N>:<N>:<N>.<N>+<N>:<N> foo");
  EXPECT_EQ(Collapse("release v1.2.3"), "release v<N>.<N>.<N>");
  EXPECT_EQ(Collapse("2004-10-12T43:23:12Z abc:345"), "<N>-<N>-<N>T<N>:<N>:<N>Z abc:<N>");
  EXPECT_EQ(Collapse("123.43s"), "<N>.<N>s");
  EXPECT_EQ(Collapse("123ms 2us 3h5m6s43ms43μs324ns"), "<N>ms <N>us <N>h<N>m<N>s<N>ms<N>μs<N>ns");
  EXPECT_EQ(Collapse("0x1234 0XFEAD12"), "0x<N> 0X<N>");
  EXPECT_EQ(Collapse("0x12g"), "0x12g");  // 'g' is a word char, not a unit
  EXPECT_EQ(Collapse("5d"), "5d");        // "5d" is one hex-ish run of 2 chars
}

TEST(CollapseNums, NonAscii) {
  EXPECT_EQ(Collapse("ыва"), "ыва");
  EXPECT_EQ(Collapse("ЫВА123bar45.78"), "ЫВА123bar45.<N>");
  EXPECT_EQ(Collapse("ЫВА.123.bar.45.78"), "ЫВА.<N>.bar.<N>.<N>");
  EXPECT_EQ(Collapse("café12 é 12é"), "café12 é 12é");  // é is a letter: glued digits stay
  EXPECT_EQ(Collapse("12→34"), "<N>→<N>");              // an arrow is not a word char
  // Invalid UTF-8 bytes are separators.
  EXPECT_EQ(Collapse("\xff" "12\xfe"), "\xff<N>\xfe");
  EXPECT_EQ(Collapse("12\xce"), "<N>\xce");  // truncated sequence at the end
}

TEST(CollapseNums, Prettify) {
  EXPECT_EQ(Collapse("", true), "");
  EXPECT_EQ(Collapse("foo", true), "foo");
  EXPECT_EQ(Collapse("35.191.193.225:51648 - 2edfed59-3e98-4073-bbb2-28d321ca71a7 - - [2024/12/08 15:21:02] "
                     "10.71.20.32 GET /foo 200",
                     true),
            "<IP4>:<N> - <UUID> - - [<DATETIME>] <IP4> GET /foo <N>");
  EXPECT_EQ(Collapse("E1208 15:21:02.748877 62 metric_reporter.go:182", true), "E1208 <TIME> <N> metric_reporter.go:<N>");
  EXPECT_EQ(Collapse("2024-12-08T15:22:32.342Z error exporterhelper/queued_retry.go:101", true),
            "<DATETIME> error exporterhelper/queued_retry.go:<N>");
  EXPECT_EQ(Collapse("2024-12-08 15:22:32Z error x.go:101", true), "<DATETIME> error x.go:<N>");
  EXPECT_EQ(Collapse("2024-12-08 15:22:32,123 error x.go:101", true), "<DATETIME> error x.go:<N>");
  EXPECT_EQ(Collapse("2024-12-08 15:22:32.123+10:30 error", true), "<DATETIME> error");
  EXPECT_EQ(Collapse("2024-12-08 15:22:32.123-10:30 error", true), "<DATETIME> error");
  EXPECT_EQ(Collapse("2024/12/08T15:22:32-10:30 error", true), "<DATETIME> error");
  EXPECT_EQ(Collapse("12:30 1-2 3/4/5", true), "<N>:<N> <N>-<N> <DATE>");
  // Without prettify the same text only gets <N>.
  EXPECT_EQ(Collapse("1.2.3.4"), "<N>.<N>.<N>.<N>");
}

std::string Decolor(std::string_view s) {
  std::string out = "x";
  Decolorize(s, &out);
  return out.substr(1);
}

TEST(Decolorize, StripsCsiSequencesOnly) {
  EXPECT_EQ(Decolor(""), "");
  EXPECT_EQ(Decolor("a"), "a");
  EXPECT_EQ(Decolor("FooBar"), "FooBar");
  EXPECT_EQ(Decolor("foo\x1b[\x01"), "foo\x01");  // no final byte: just ESC[ dropped
  EXPECT_EQ(Decolor("\x1b[mfoo\x1b[1;31mERROR bar\x1b[10;5H"), "fooERROR bar");
  EXPECT_EQ(Decolor("\x1b[mfoo\x1b[1;31mERROR bar\x1b[10;5Hbaz"), "fooERROR barbaz");
  EXPECT_EQ(Decolor("foo\x1b[2Jbar"), "foobar");
  EXPECT_EQ(Decolor("abc\x1b[65;81fdef"), "abcdef");
  EXPECT_EQ(Decolor("\x1b]0;My Terminal Title\x07"), "\x1b]0;My Terminal Title\x07");  // OSC kept
  EXPECT_EQ(Decolor("a\x1bP 1;2;3 qabc\x1b\\"), "a\x1bP 1;2;3 qabc\x1b\\");          // DCS kept
  EXPECT_EQ(Decolor("x\x1b"), "x\x1b");
  EXPECT_EQ(Decolor("x\x1b["), "x");
  EXPECT_EQ(Decolor("x\x1b[1;"), "x");
  EXPECT_EQ(Decolor("a\x1b[ 5b"), "ab");           // intermediate ' ' then final '5'
  EXPECT_EQ(Decolor("a\x1b[1\x7f" "b"), "a\x7f" "b");  // DEL is no final byte
  EXPECT_EQ(Decolor("\x1b[\x1b[31mred"), "red");
}

std::string LogfmtRoundTrip(std::string_view s) {
  std::vector<TextField> kvs;
  std::string scratch;
  ParseLogfmt(s, &kvs, &scratch);
  std::string out;
  AppendLogfmtFields(kvs, &out);
  return out;
}

TEST(Logfmt, VictoriaLogsVectors) {
  EXPECT_EQ(LogfmtRoundTrip(""), "");
  EXPECT_EQ(LogfmtRoundTrip("foo=bar"), "foo=bar");
  EXPECT_EQ(LogfmtRoundTrip("foo=\"bar=baz x=y\""), "foo=\"bar=baz x=y\"");
  EXPECT_EQ(LogfmtRoundTrip("foo="), "foo=");
  EXPECT_EQ(LogfmtRoundTrip("foo"), "foo=");
  EXPECT_EQ(LogfmtRoundTrip("foo bar"), "foo= bar=");
  EXPECT_EQ(LogfmtRoundTrip("foo bar=baz"), "foo= bar=baz");
  EXPECT_EQ(LogfmtRoundTrip("foo=bar baz=\"x y\" a=b"), "foo=bar baz=\"x y\" a=b");
  EXPECT_EQ(LogfmtRoundTrip("  foo=bar  baz=x =z qwe"), "foo=bar baz=x _msg=z qwe=");
}

using KVs = std::vector<std::pair<std::string, std::string>>;

KVs Logfmt(std::string_view s) {
  std::vector<TextField> kvs;
  std::string scratch;
  ParseLogfmt(s, &kvs, &scratch);
  KVs out;
  for (const auto& [k, v] : kvs) out.emplace_back(k, v);
  return out;
}

TEST(Logfmt, Values) {
  EXPECT_EQ(Logfmt("a=b=c"), (KVs{{"a", "b=c"}}));
  EXPECT_EQ(Logfmt("a==b"), (KVs{{"a", "=b"}}));
  EXPECT_EQ(Logfmt("a=1 a=2"), (KVs{{"a", "1"}, {"a", "2"}}));  // duplicates kept in order
  EXPECT_EQ(Logfmt("a=\"\" b=x"), (KVs{{"a", ""}, {"b", "x"}}));
  EXPECT_EQ(Logfmt("=\"\" = b="), (KVs{{"b", ""}}));  // empty name and empty value: dropped
  EXPECT_EQ(Logfmt("a=\"b\\\"c\\\\d\\n\""), (KVs{{"a", "b\"c\\d\n"}}));
  EXPECT_EQ(Logfmt("a=\"\\x41\\101\\u00e9\\U0001F600\\t\""), (KVs{{"a", "AA\xc3\xa9\xf0\x9f\x98\x80\t"}}));
  EXPECT_EQ(Logfmt("a=`raw \\n \"x\"` b=c"), (KVs{{"a", "raw \\n \"x\""}, {"b", "c"}}));
  EXPECT_EQ(Logfmt("a=`x\ry`"), (KVs{{"a", "xy"}}));  // CR dropped from raw strings
  EXPECT_EQ(Logfmt("a=\"x\ty\""), (KVs{{"a", "x\ty"}}));
  EXPECT_EQ(Logfmt("a=\"\xc3\xa9\""), (KVs{{"a", "\xc3\xa9"}}));
  EXPECT_EQ(Logfmt("a=\"\xff" "b\""), (KVs{{"a", "\xef\xbf\xbd" "b"}}));  // invalid UTF-8 -> U+FFFD
  EXPECT_EQ(Logfmt("a=\"\\xff\""), (KVs{{"a", "\xff"}}));                 // ... but \xff is a raw byte
}

TEST(Logfmt, BrokenQuotingAndSeparators) {
  EXPECT_EQ(Logfmt("a=\"b c"), (KVs{{"a", "\"b"}, {"c", ""}}));    // unterminated
  EXPECT_EQ(Logfmt("a=\""), (KVs{{"a", "\""}}));
  EXPECT_EQ(Logfmt("a=\"b\"c d=e"), (KVs{{"a", "b"}}));             // glued text ends parsing
  EXPECT_EQ(Logfmt("a=\"b\"  d=e"), (KVs{{"a", "b"}, {"d", "e"}}));
  EXPECT_EQ(Logfmt("a=\"bad\\q\" z=1"), (KVs{{"a", "\"bad\\q\""}, {"z", "1"}}));  // bad escape: literal
  EXPECT_EQ(Logfmt("a=\"it\\'s\""), (KVs{{"a", "\"it\\'s\""}}));                   // \' invalid in "..."
  EXPECT_EQ(Logfmt("a=\"x\ny\" b=1"), (KVs{{"a", "\"x\ny\""}, {"b", "1"}}));     // raw newline
  EXPECT_EQ(Logfmt("a=\"\\u12\" b=1"), (KVs{{"a", "\"\\u12\""}, {"b", "1"}}));
  EXPECT_EQ(Logfmt("a=\"\\ud800\""), (KVs{{"a", "\"\\ud800\""}}));  // surrogate rejected
  EXPECT_EQ(Logfmt("a=\"\\400\""), (KVs{{"a", "\"\\400\""}}));      // octal > 255
  EXPECT_EQ(Logfmt("a=\"x\\"), (KVs{{"a", "\"x\\"}}));
  EXPECT_EQ(Logfmt("a=`x"), (KVs{{"a", "`x"}}));
  EXPECT_EQ(Logfmt("a='x y'"), (KVs{{"a", "'x"}, {"y'", ""}}));  // single quotes are not quotes
  // Only ' ' separates; names are trimmed of Unicode space, values are not.
  EXPECT_EQ(Logfmt("\tk\t=v\t x\n=1"), (KVs{{"k", "v\t"}, {"x", "1"}}));
  EXPECT_EQ(Logfmt("\xc2\xa0k=v"), (KVs{{"k", "v"}}));
  EXPECT_EQ(Logfmt("a\xff=\xfe"), (KVs{{"a\xff", "\xfe"}}));
  EXPECT_EQ(Logfmt("   "), KVs{});
  EXPECT_EQ(Logfmt("=z"), (KVs{{"", "z"}}));
}

TEST(Logfmt, ViewsSurviveScratchGrowth) {
  std::string in;
  for (int i = 0; i < 300; i++) in += "k" + std::to_string(i) + "=\"v\\t" + std::to_string(i) + "\" ";
  std::vector<TextField> kvs;
  std::string scratch = "garbage";
  ParseLogfmt(in, &kvs, &scratch);
  ASSERT_EQ(kvs.size(), 300u);
  for (int i = 0; i < 300; i++) {
    EXPECT_EQ(kvs[i].first, "k" + std::to_string(i));
    EXPECT_EQ(kvs[i].second, "v\t" + std::to_string(i));
  }
}

TEST(Logfmt, UnquoteGoStringPrefix) {
  std::string v;
  EXPECT_EQ(UnquoteGoStringPrefix("\"a\\tb\" tail", &v), 6u);
  EXPECT_EQ(v, "a\tb");
  v.clear();
  EXPECT_EQ(UnquoteGoStringPrefix("`x` y", &v), 3u);
  EXPECT_EQ(v, "x");
  v = "keep";
  EXPECT_EQ(UnquoteGoStringPrefix("\"open", &v), 0u);
  EXPECT_EQ(UnquoteGoStringPrefix("\"\\z\"", &v), 0u);
  EXPECT_EQ(UnquoteGoStringPrefix("plain", &v), 0u);
  EXPECT_EQ(UnquoteGoStringPrefix("", &v), 0u);
  EXPECT_EQ(v, "keep");
}

std::string Pair(std::string_view k, std::string_view v) {
  std::string out;
  AppendLogfmtPair(k, v, &out);
  return out;
}

TEST(Logfmt, PackPair) {
  EXPECT_EQ(Pair("a", ""), "a=");
  EXPECT_EQ(Pair("", "x"), "_msg=x");
  EXPECT_EQ(Pair("a", "cde=ab"), "a=cde=ab");
  EXPECT_EQ(Pair("a", "b c"), "a=\"b c\"");
  EXPECT_EQ(Pair("a", "<x>'"), "a=<x>'");  // nothing to quote
  EXPECT_EQ(Pair("a", "it's <b>"), "a=\"it\\u0027s \\u003cb>\"");
  EXPECT_EQ(Pair("a", "x\x01\x1f"), "a=\"x\\u0001\\u001f\"");
  EXPECT_EQ(Pair("a", "q\"\\"), "a=\"q\\\"\\\\\"");
  EXPECT_EQ(Pair("a", "t\tn\nr\rb\bf\f"), "a=\"t\\tn\\nr\\rb\\bf\\f\"");
  EXPECT_EQ(Pair("a", "\xc3\xa9\x7f\xff"), "a=\xc3\xa9\x7f\xff");  // never quoted for these
  EXPECT_EQ(Pair("a b", "1"), "a b=1");                           // names are printed as is
  std::string out;
  AppendLogfmtFields({}, &out);
  EXPECT_EQ(out, "");
  AppendLogfmtFields({{"_msg", "x"}, {"foo", "abc"}, {"e", ""}, {"bar", "cde=ab"}}, &out);
  EXPECT_EQ(out, "_msg=x foo=abc e= bar=cde=ab");
  // What pack_logfmt writes, unpack_logfmt reads back.
  const KVs want{{"a", "it's <b> \"q\"\n"}, {"b", ""}, {"c", "x"}};
  std::string packed;
  for (size_t i = 0; i < want.size(); i++) {
    if (i) packed += ' ';
    AppendLogfmtPair(want[i].first, want[i].second, &packed);
  }
  EXPECT_EQ(Logfmt(packed), want);
}

std::string Words(std::string_view s, bool drop = false) {
  std::string out;
  UnpackWords(s, drop, &out);
  return out;
}

TEST(UnpackWords, JsonArrayOfTokens) {
  EXPECT_EQ(Words(""), "[]");
  EXPECT_EQ(Words("!#$%,"), "[]");
  EXPECT_EQ(Words("b"), "[\"b\"]");
  EXPECT_EQ(Words("foo,bar baz"), "[\"foo\",\"bar\",\"baz\"]");
  EXPECT_EQ(Words("foo,bar foo"), "[\"foo\",\"bar\",\"foo\"]");
  EXPECT_EQ(Words("foo,bar foo", true), "[\"foo\",\"bar\"]");
  EXPECT_EQ(Words("a_1 2.5 x-y"), "[\"a_1\",\"2\",\"5\",\"x\",\"y\"]");
  EXPECT_EQ(Words("привет, мир_1"), "[\"привет\",\"мир_1\"]");
  EXPECT_EQ(Words("a\xff" "b \"q\" <t>"), "[\"a\",\"b\",\"q\",\"t\"]");
  EXPECT_EQ(Words("x x X", true), "[\"x\",\"X\"]");  // case-sensitive
}

TEST(JsonArray, Len) {
  EXPECT_EQ(JsonArrayLen("[\"abcde\",2,{\"bar\":\"x,y\",\"z\":[1,2]}]"), 3);
  EXPECT_EQ(JsonArrayLen("abc"), 0);
  EXPECT_EQ(JsonArrayLen(""), 0);
  EXPECT_EQ(JsonArrayLen("[]"), 0);
  EXPECT_EQ(JsonArrayLen("[ ]"), 0);
  EXPECT_EQ(JsonArrayLen("[1]"), 1);
  EXPECT_EQ(JsonArrayLen("[1] \n"), 1);  // trailing white space is fine
  EXPECT_EQ(JsonArrayLen(" [1]"), 0);    // leading is not
  EXPECT_EQ(JsonArrayLen("[1]x"), 0);
  EXPECT_EQ(JsonArrayLen("[1,]"), 0);
  EXPECT_EQ(JsonArrayLen("[1 2]"), 0);
  EXPECT_EQ(JsonArrayLen("[1"), 0);
  EXPECT_EQ(JsonArrayLen("[\"a"), 0);
  EXPECT_EQ(JsonArrayLen("{\"a\":1}"), 0);
  EXPECT_EQ(JsonArrayLen("[\"foo\",1,{\"baz\":\"x\"},[1,2],null,NaN]"), 6);
  EXPECT_EQ(JsonArrayLen("[true,false,null,nan,-Inf,+nan,1.2.3,e,--]"), 9);  // fastjson leniency
  EXPECT_EQ(JsonArrayLen("[tru]"), 0);
  EXPECT_EQ(JsonArrayLen("[True]"), 0);
  EXPECT_EQ(JsonArrayLen("[-]"), 0);
  EXPECT_EQ(JsonArrayLen("[x]"), 0);
  EXPECT_EQ(JsonArrayLen("[\"\\\"\", \"a\\\\\"]"), 2);
  EXPECT_EQ(JsonArrayLen("[\"\x01\xff\"]"), 1);  // raw control chars and bad UTF-8 accepted
  EXPECT_EQ(JsonArrayLen("[{\"a\" 1}]"), 0);
  EXPECT_EQ(JsonArrayLen("[{1:2}]"), 0);
  EXPECT_EQ(JsonArrayLen("[{},[],{\"a\":{}}]"), 3);
  // Nesting: 300 levels in all are fine, 301 are not.
  EXPECT_EQ(JsonArrayLen(std::string(300, '[') + std::string(300, ']')), 1);
  EXPECT_EQ(JsonArrayLen(std::string(301, '[') + std::string(301, ']')), 0);
  EXPECT_EQ(JsonArrayLen(std::string(100000, '[')), 0);
}

std::vector<std::string> Unroll(std::string_view s, bool* ok = nullptr) {
  std::vector<std::string> out{"stale"};
  const bool r = ParseJsonArrayStrings(s, &out);
  if (ok) *ok = r;
  return out;
}

TEST(JsonArray, ElementsAsUnrollSeesThem) {
  bool ok = false;
  EXPECT_EQ(Unroll("[\"foo\",1,{\"baz\":\"x\"},[1,2],null,NaN]", &ok),
            (std::vector<std::string>{"foo", "1", "{\"baz\":\"x\"}", "[1,2]", "null", "NaN"}));
  EXPECT_TRUE(ok);
  EXPECT_EQ(Unroll("[ {\"a\" : [ 1 , \"x y\" ] } , true,-1.5e3 ]"),
            (std::vector<std::string>{"{\"a\":[1,\"x y\"]}", "true", "-1.5e3"}));
  // Nested strings and keys keep their escapes byte for byte.
  EXPECT_EQ(Unroll("[{\"k\\\"\":\"v\\n\\u00e9\"}]"), (std::vector<std::string>{"{\"k\\\"\":\"v\\n\\u00e9\"}"}));
  EXPECT_EQ(Unroll("[]", &ok), std::vector<std::string>{});
  EXPECT_TRUE(ok);
  EXPECT_EQ(Unroll("abc", &ok), std::vector<std::string>{});
  EXPECT_FALSE(ok);
  EXPECT_EQ(Unroll("[1,", &ok), std::vector<std::string>{});
  EXPECT_FALSE(ok);
}

TEST(JsonArray, TopLevelStringsUnescapedBestEffort) {
  EXPECT_EQ(Unroll("[\"a\\nb\",\"\\u00e9\",\"\\ud83d\\ude00\",\"\\/\\b\\f\\r\\t\"]"),
            (std::vector<std::string>{"a\nb", "\xc3\xa9", "\xf0\x9f\x98\x80", "/\b\f\r\t"}));
  EXPECT_EQ(Unroll("[\"\\q\",\"\\u12\",\"\\u12zz\",\"x\\u\"]"),
            (std::vector<std::string>{"\\q", "\\u12", "\\u12zz", "x\\u"}));
  EXPECT_EQ(Unroll("[\"\\ud800x\",\"\\ud800\\u12\"]"), (std::vector<std::string>{"\\ud800x", "\\ud800\\u12"}));
  // A bad surrogate pair becomes U+FFFD and consumes both escapes.
  EXPECT_EQ(Unroll("[\"\\udc00\\u0041!\"]"), (std::vector<std::string>{"\xef\xbf\xbd!"}));
  EXPECT_EQ(Unroll("[\"\\u0000\"]"), (std::vector<std::string>{std::string(1, '\0')}));
  EXPECT_EQ(Unroll("[\"\xff\"]"), (std::vector<std::string>{"\xff"}));  // bytes kept
}

// ---- syslog ----

int64_t Ns(int64_t y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return ((vl::DaysFromCivil(y, m, d) * 86400) + hh * 3600 + mm * 60 + ss) * 1'000'000'000;
}

const int64_t kNow2024 = Ns(2024, 12, 15);  // VictoriaLogs' tests use currentYear=2024

std::string Syslog(std::string_view line, int64_t now = kNow2024, int64_t tz = 0) {
  SyslogParser p;
  p.Parse(line, now, tz);
  std::vector<TextField> fields(p.fields().begin(), p.fields().end());
  std::string out;
  AppendLogfmtFields(fields, &out);
  return out;
}

TEST(SyslogParser, RFC3164) {
  EXPECT_EQ(Syslog("Jun  3 12:08:33 abcd systemd[1]: Starting Update the local ESM caches..."),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=abcd app_name=systemd proc_id=1 "
            "message=\"Starting Update the local ESM caches...\"");
  EXPECT_EQ(Syslog("<165>Jun  3 12:08:33 abcd systemd[1]: Starting Update the local ESM caches..."),
            "priority=165 facility_keyword=local4 level=notice facility=20 severity=5 format=rfc3164 "
            "timestamp=2024-06-03T12:08:33.000Z hostname=abcd app_name=systemd proc_id=1 "
            "message=\"Starting Update the local ESM caches...\"");
  EXPECT_EQ(Syslog("Mar 13 12:08:33 abcd systemd: Starting Update"),
            "format=rfc3164 timestamp=2024-03-13T12:08:33.000Z hostname=abcd app_name=systemd "
            "message=\"Starting Update\"");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 abcd - Starting"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=abcd app_name=- message=Starting");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 - - Starting"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=- app_name=- message=Starting");
  EXPECT_EQ(Syslog("Jun 03 12:08:33 h a"), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h app_name=a");
  EXPECT_EQ(Syslog("jUN  3 12:08:33 h"), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 h :msg"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h app_name= message=msg");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 h app::x"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h app_name=app message=:x");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 h app: "), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h app_name=app");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 h app[12"), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h app_name=app");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 h app[]x"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=h app_name=app proc_id= message=x");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 "), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=");
  // A one-digit hour lets a fraction fit into the 15-byte stamp.
  EXPECT_EQ(Syslog("Jun 3 1:02:03.4 x"), "format=rfc3164 timestamp=2024-06-03T01:02:03.400Z hostname=x");
}

TEST(SyslogParser, RFC3164BadStamps) {
  EXPECT_EQ(Syslog(""), "");
  EXPECT_EQ(Syslog("Jun  3 12:08:33"), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z");
  EXPECT_EQ(Syslog("Foo  3 12:08:33"), "format=rfc3164 message=\"Foo  3 12:08:33\"");
  EXPECT_EQ(Syslog("Foo  3 12:08:33bar"), "format=rfc3164 message=\"Foo  3 12:08:33bar\"");
  EXPECT_EQ(Syslog("Jun  3 12:08:33bar"), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z message=bar");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 abcd"), "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=abcd");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 abcd sudo"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=abcd app_name=sudo");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 abcd sudo[123]"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=abcd app_name=sudo proc_id=123");
  EXPECT_EQ(Syslog("Jun  3 12:08:33 abcd sudo foobar"),
            "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=abcd app_name=sudo message=foobar");
  EXPECT_EQ(Syslog("foo bar baz"), "format=rfc3164 message=\"foo bar baz\"");
  EXPECT_EQ(Syslog("Jun 3 12:08:33 host x"), "format=rfc3164 message=\"Jun 3 12:08:33 host x\"");  // 16th byte
  EXPECT_EQ(Syslog("Apr 31 12:00:00 h"), "format=rfc3164 message=\"Apr 31 12:00:00 h\"");
  EXPECT_EQ(Syslog("Jun  0 12:00:00 h"), "format=rfc3164 message=\"Jun  0 12:00:00 h\"");
  EXPECT_EQ(Syslog("Jun  3 24:00:00 h"), "format=rfc3164 message=\"Jun  3 24:00:00 h\"");
  EXPECT_EQ(Syslog("Jun  3 12:60:00 h"), "format=rfc3164 message=\"Jun  3 12:60:00 h\"");
  EXPECT_EQ(Syslog("Jun  3 12:8:33 h"), "format=rfc3164 message=\"Jun  3 12:8:33 h\"");
  EXPECT_EQ(Syslog("Jun3 12:08:33 h"), "format=rfc3164 message=\"Jun3 12:08:33 h\"");
  EXPECT_EQ(Syslog("Ju"), "format=rfc3164 message=Ju");
}

TEST(SyslogParser, RFC3164YearAndZone) {
  // More than one day ahead of now: last year.
  const int64_t now = Ns(2024, 1, 10);
  EXPECT_EQ(Syslog("Dec 31 23:00:00", now), "format=rfc3164 timestamp=2023-12-31T23:00:00.000Z");
  EXPECT_EQ(Syslog("Jan 11 00:00:00", now), "format=rfc3164 timestamp=2024-01-11T00:00:00.000Z");
  EXPECT_EQ(Syslog("Jan 11 00:00:01", now), "format=rfc3164 timestamp=2023-01-11T00:00:01.000Z");
  // Feb 29 in a non-leap year rolls over like Go's time.Date.
  EXPECT_EQ(Syslog("Feb 29 12:00:00", Ns(2025, 6, 1)), "format=rfc3164 timestamp=2025-03-01T12:00:00.000Z");
  EXPECT_EQ(Syslog("Feb 29 12:00:00", Ns(2024, 6, 1)), "format=rfc3164 timestamp=2024-02-29T12:00:00.000Z");
  // The stamp is local time of the zone; printed in UTC.
  const int64_t h = 3600LL * 1'000'000'000;
  EXPECT_EQ(Syslog("Jun  3 12:08:33", kNow2024, 2 * h), "format=rfc3164 timestamp=2024-06-03T10:08:33.000Z");
  EXPECT_EQ(Syslog("Jun  3 22:08:33", kNow2024, -(5 * h + h / 2)), "format=rfc3164 timestamp=2024-06-04T03:38:33.000Z");
  EXPECT_EQ(Syslog("Jan  1 00:30:00", Ns(2024, 3, 1), h), "format=rfc3164 timestamp=2023-12-31T23:30:00.000Z");
}

TEST(SyslogParser, Priority) {
  EXPECT_EQ(Syslog("<>x"), "priority=");
  EXPECT_EQ(Syslog("<abc>hello"), "priority=abc");
  EXPECT_EQ(Syslog("<01>x"), "priority=01");  // leading zero
  EXPECT_EQ(Syslog("<165"), "");
  EXPECT_EQ(Syslog("<"), "");
  EXPECT_EQ(Syslog("<0>"), "priority=0 facility_keyword=kern level=emerg facility=0 severity=0");
  EXPECT_EQ(Syslog("<191>1 "), "priority=191 facility_keyword=local7 level=debug facility=23 severity=7 format=rfc5424");
  EXPECT_EQ(Syslog("<192>x"), "priority=192 facility_keyword=unknown level=emerg facility=24 severity=0 format=rfc3164 message=x");
  EXPECT_EQ(Syslog("<1_6>"), "priority=1_6 facility_keyword=mail level=emerg facility=2 severity=0");
  EXPECT_EQ(Syslog("<99999999999999999999>"), "priority=99999999999999999999");  // overflow
  EXPECT_EQ(Syslog("<122>"), "priority=122 facility_keyword=solaris-cron level=critical facility=15 severity=2");
  EXPECT_EQ(Syslog("<11>"), "priority=11 facility_keyword=user level=error facility=1 severity=3");
  EXPECT_EQ(Syslog("<12>"), "priority=12 facility_keyword=user level=warning facility=1 severity=4");
  EXPECT_EQ(Syslog("<9>"), "priority=9 facility_keyword=user level=alert facility=1 severity=1");
}

const char* kHdr = "priority=165 facility_keyword=local4 level=notice facility=20 severity=5 format=rfc5424 ";

TEST(SyslogParser, RFC5424) {
  EXPECT_EQ(Syslog("<134>1 2024-12-09T18:25:35.401631+00:00 ps999 account-server - - [sd@51059 project=\"secret\" ] "
                   "1.2.3.4 - - [09/Dec/2024:18:25:35 +0000] \"PUT someurl\" 201"),
            "priority=134 facility_keyword=local0 level=info facility=16 severity=6 format=rfc5424 "
            "timestamp=2024-12-09T18:25:35.401631+00:00 hostname=ps999 app_name=account-server proc_id=- msg_id=- "
            "sd@51059.project=secret message=\"1.2.3.4 - - [09/Dec/2024:18:25:35 +0000] \\\"PUT someurl\\\" 201\"");
  EXPECT_EQ(Syslog("<165>1 2023-06-03T17:42:32.123456789Z mymachine.example.com appname 12345 ID47 - This is a test."),
            std::string(kHdr) +
                "timestamp=2023-06-03T17:42:32.123456789Z hostname=mymachine.example.com app_name=appname "
                "proc_id=12345 msg_id=ID47 message=\"This is a test.\"");
  EXPECT_EQ(Syslog("1 2023-06-03T17:42:32.123456789Z host app 12345 ID47 - msg"),
            "format=rfc5424 timestamp=2023-06-03T17:42:32.123456789Z hostname=host app_name=app proc_id=12345 "
            "msg_id=ID47 message=msg");
  EXPECT_EQ(Syslog("<165>1 2023-06-03T17:42:00.000Z h a 1 ID47 [exampleSDID@32473 iut=\"3\" "
                   "eventSource=\"Application 123 = ] 56\" eventID=\"11211\"] This is a test"),
            std::string(kHdr) +
                "timestamp=2023-06-03T17:42:00.000Z hostname=h app_name=a proc_id=1 msg_id=ID47 "
                "exampleSDID@32473.iut=3 exampleSDID@32473.eventSource=\"Application 123 = ] 56\" "
                "exampleSDID@32473.eventID=11211 message=\"This is a test\"");
  EXPECT_EQ(Syslog("<165>1 ts h a 1 ID47 [foo@123 iut=\"3\"][bar@456 eventID=\"11211\"][abc=def][x=y z=a q=\"]= \"] "
                   "msg"),
            std::string(kHdr) +
                "timestamp=ts hostname=h app_name=a proc_id=1 msg_id=ID47 foo@123.iut=3 bar@456.eventID=11211 "
                "abc=def x=y z=a q=\"]= \" message=msg");
  EXPECT_EQ(Syslog("<14>1 2025-02-11T12:31:28+01:00 synology Connection - - [synolog@6574 event_id=\"0x0001\" "
                   "event=\"User [synouser\\] from [192.168.0.10\\] logged in via [SSH\\].\" arg_4=\"SSH\"]"
                   "[meta sequenceId=\"7\"] User [synouser] logged in."),
            "priority=14 facility_keyword=user level=info facility=1 severity=6 format=rfc5424 "
            "timestamp=2025-02-11T12:31:28+01:00 hostname=synology app_name=Connection proc_id=- msg_id=- "
            "synolog@6574.event_id=0x0001 synolog@6574.event=\"User [synouser] from [192.168.0.10] logged in via "
            "[SSH].\" synolog@6574.arg_4=SSH meta.sequenceId=7 message=\"User [synouser] logged in.\"");
  EXPECT_EQ(Syslog("<14>1 2025-02-18T11:37:42+02:00 localhost Test - - [test event=\"quote \\\"test\\\"\"] Test message"),
            "priority=14 facility_keyword=user level=info facility=1 severity=6 format=rfc5424 "
            "timestamp=2025-02-18T11:37:42+02:00 hostname=localhost app_name=Test proc_id=- msg_id=- "
            "test.event=\"quote \\\"test\\\"\" message=\"Test message\"");
}

TEST(SyslogParser, RFC5424Truncated) {
  const std::string h = kHdr;
  EXPECT_EQ(Syslog("<165>1 2023-06-03T17:42:32.123456789Z host app 12345 ID47 [foo@123]"),
            h + "timestamp=2023-06-03T17:42:32.123456789Z hostname=host app_name=app proc_id=12345 msg_id=ID47 foo@123=");
  EXPECT_EQ(Syslog("<165>1 ts host app 12345 ID47"), h + "timestamp=ts hostname=host app_name=app proc_id=12345 msg_id=ID47");
  EXPECT_EQ(Syslog("<165>1 ts host app 12345"), h + "timestamp=ts hostname=host app_name=app proc_id=12345");
  EXPECT_EQ(Syslog("<165>1 ts host app"), h + "timestamp=ts hostname=host app_name=app");
  EXPECT_EQ(Syslog("<165>1 ts host"), h + "timestamp=ts hostname=host");
  EXPECT_EQ(Syslog("<165>1 ts"), h + "timestamp=ts");
  EXPECT_EQ(Syslog("<165>1 "), std::string(kHdr).substr(0, h.size() - 1));
  EXPECT_EQ(Syslog("<165>1 ts "), h + "timestamp=ts hostname=");
  EXPECT_EQ(Syslog("<165>1"),  // no space after the version: RFC 3164
            "priority=165 facility_keyword=local4 level=notice facility=20 severity=5 format=rfc3164 message=1");
}

TEST(SyslogParser, RFC5424StructuredDataEdges) {
  const std::string h = std::string(kHdr) + "timestamp=t hostname=h app_name=a proc_id=p msg_id=m";
  EXPECT_EQ(Syslog("<165>1 t h a p m - "), h + " message=");  // empty message is still produced
  EXPECT_EQ(Syslog("<165>1 t h a p m -"), h);                  // no space after '-': no message
  EXPECT_EQ(Syslog("<165>1 t h a p m -x"), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m x y"), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"b\"]"), h + " x.a=b");  // no message after SD
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"b\"]msg"), h + " x.a=b");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"b\"][y] msg"), h + " x.a=b y= message=msg");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=b c=d] msg"), h + " x.a=b x.c=d message=msg");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"b\\]c\"] msg"), h + " x.a=b]c message=msg");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"\\d\"] msg"), h + " x.a=\"\\\"\\\\d\\\"\" message=msg");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"\"] msg"), h + " x.a= message=msg");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x  a=1  ] msg"), h + " x.a=1 message=msg");
  // Malformed elements: whatever was produced before the error stays, nothing after it.
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a="), h);  // (VictoriaLogs would panic on this one)
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=\"b"), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=b"), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a] msg"), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m [x"), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m ["), h);
  EXPECT_EQ(Syslog("<165>1 t h a p m [k=\"v w\"] msg"), h + " k=\"\\\"v\"");
  EXPECT_EQ(Syslog("<165>1 t h a p m [x a=1][y b=2"), h + " x.a=1");
}

TEST(SyslogParser, InvalidUtf8AndReuse) {
  SyslogParser p;
  const std::string line = "<13>Jun  3 12:08:33 h\xff a\xfe[1\xfd]: m\xfc";
  p.Parse(line, kNow2024, 0);
  std::vector<TextField> fields(p.fields().begin(), p.fields().end());
  ASSERT_EQ(fields.size(), 11u);
  EXPECT_EQ(fields[7].second, "h\xff");
  EXPECT_EQ(fields[8].second, "a\xfe");
  EXPECT_EQ(fields[9].second, "1\xfd");
  EXPECT_EQ(fields[10].first, "message");
  EXPECT_EQ(fields[10].second, "m\xfc");
  // Reusing the parser replaces the fields.
  p.Parse("<165>1 t h a p m [x a=\"\\u00e9\"] z", kNow2024, 0);
  ASSERT_EQ(p.fields().size(), 13u);
  EXPECT_EQ(p.fields()[11].first, "x.a");
  EXPECT_EQ(p.fields()[11].second, "\xc3\xa9");
  p.Parse("", kNow2024, 0);
  EXPECT_TRUE(p.fields().empty());
}

TEST(SyslogParser, FreeFunctionOwnsItsScratch) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::string scratch;
  const std::string line = "<165>1 t h a p m [x a=\"q\\\"\" b=c] msg";
  ParseSyslog(line, kNow2024, 0, &fields, &scratch);
  // Parse something else with the same thread's parser: the first result must stay intact.
  std::vector<std::pair<std::string_view, std::string_view>> other;
  std::string other_scratch;
  ParseSyslog("Jun  3 12:08:33 zz", kNow2024, 0, &other, &other_scratch);
  std::string out;
  AppendLogfmtFields(fields, &out);
  EXPECT_EQ(out, std::string(kHdr) + "timestamp=t hostname=h app_name=a proc_id=p msg_id=m x.a=\"q\\\"\" x.b=c message=msg");
  out.clear();
  AppendLogfmtFields(other, &out);
  EXPECT_EQ(out, "format=rfc3164 timestamp=2024-06-03T12:08:33.000Z hostname=zz");
}

// ---- robustness ----

TEST(TextFuncs, RandomInputsNeverCrash) {
  std::mt19937_64 rng(7);
  const std::string alphabet = "<>[]=\" `\\:-._1aZ9fT\x1b\xce\xbc\xff\n\tx{},u";
  std::vector<TextField> kvs;
  std::string scratch;
  std::vector<std::string> elems;
  SyslogParser sp;
  for (int iter = 0; iter < 20000; iter++) {
    std::string s;
    const size_t len = rng() % 40;
    for (size_t i = 0; i < len; i++) s.push_back(alphabet[rng() % alphabet.size()]);
    if (iter % 3 == 0) s = "<165>1 t h a p m [" + s;
    if (iter % 5 == 0) s = "[" + s;
    std::string out;
    CollapseNums(s, iter % 2 == 0, &out);
    Decolorize(s, &out);
    ParseLogfmt(s, &kvs, &scratch);
    for (const auto& [k, v] : kvs) AppendLogfmtPair(k, v, &out);
    UnpackWords(s, iter % 2 == 0, &out);
    const int64_t n = JsonArrayLen(s);
    const bool ok = ParseJsonArrayStrings(s, &elems);
    EXPECT_EQ(ok ? static_cast<int64_t>(elems.size()) : 0, n) << s;
    sp.Parse(s, kNow2024, 0);
    for (const auto& [k, v] : sp.fields()) out.append(k).append(v);
  }
}

}  // namespace
}  // namespace vl::logsql::pipes
