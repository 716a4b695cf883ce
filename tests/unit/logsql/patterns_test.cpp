// The `extract` and `format` pattern languages. Expected values are worked out by hand from
// VictoriaLogs v1.26.0 (lib/logstorage/pattern.go, pipe_extract.go, pipe_format.go and their tests).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "../../../src/logsql/pipes/extract_pattern.h"
#include "../../../src/logsql/pipes/format_pattern.h"

namespace vl::logsql::pipes {
namespace {

// ---------------------------------------------------------------------------------------------
// extract

ExtractPattern MustParseExtract(std::string_view p) {
  auto r = ExtractPattern::Parse(p);
  EXPECT_TRUE(r.ok()) << p << ": " << r.status().message();
  return std::move(r).value();
}

// Matches and returns the values in fields() order.
std::vector<std::string> Extract(std::string_view pattern, std::string_view input, bool* matched = nullptr) {
  const ExtractPattern p = MustParseExtract(pattern);
  std::vector<std::string_view> out{"stale"};
  std::string scratch = "stale";
  const bool m = p.Match(input, &out, &scratch);
  if (matched != nullptr) *matched = m;
  EXPECT_EQ(out.size(), p.fields().size());
  return std::vector<std::string>(out.begin(), out.end());
}

using Values = std::vector<std::string>;

TEST(ExtractPattern, ParseErrors) {
  for (const char* bad : {"", "foobar", "<>", "<_>", "<*>foo<_>bar", "foo<*>", "<>foo<>bar",  // no named field
                          "<foo><bar>", "abc<foo><bar>def", "abc<foo><_>", "abc<_><_>",       // no delimiter
                          "<foo", "foo<bar", "a<b>c<d",                                       // missing '>'
                          "foo<a*>", "x<plain:*>", "x< a* >"}) {                              // wildcard
    auto r = ExtractPattern::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
  EXPECT_NE(ExtractPattern::Parse("<a><b>").status().message().find("missing delimiter between <a> and <b>"),
            std::string::npos);
  EXPECT_NE(ExtractPattern::Parse("<a").status().message().find("missing '>'"), std::string::npos);
  EXPECT_NE(ExtractPattern::Parse("abc").status().message().find("at least a single named field"),
            std::string::npos);
}

TEST(ExtractPattern, FieldsAndText) {
  const ExtractPattern p = MustParseExtract("ip=<ip> <> path=<path> ");
  EXPECT_EQ(p.fields(), (Values{"ip", "path"}));
  EXPECT_EQ(p.text(), "ip=<ip> <> path=<path> ");
  // Options and white space are stripped from names; duplicates are listed once.
  EXPECT_EQ(MustParseExtract("< plain : a >|<q:b>|<:c>|<a>").fields(), (Values{"a", "b", "c"}));
  // `_` is anonymous only when written exactly `<_>`.
  EXPECT_EQ(MustParseExtract("<plain:_> x<*>y").fields(), (Values{"_"}));
}

TEST(ExtractPattern, LeadingAndTrailingPlaceholders) {
  EXPECT_EQ(Extract("<foo>", ""), (Values{""}));
  EXPECT_EQ(Extract("<foo>", "abc"), (Values{"abc"}));
  EXPECT_EQ(Extract("<foo>bar", "bar"), (Values{""}));
  EXPECT_EQ(Extract("<foo>bar", "a bazbar xdsf"), (Values{"a baz"}));
  EXPECT_EQ(Extract("<foo>bar<>x", "a bazbar xdsf"), (Values{"a baz"}));
  EXPECT_EQ(Extract("foo<bar>", "a foo xdf sdf"), (Values{" xdf sdf"}));
  EXPECT_EQ(Extract("foo<bar>", "a foo foobar"), (Values{" foobar"}));  // first occurrence of the literal
  EXPECT_EQ(Extract("foo<bar>baz", "a foo foobar bazabc"), (Values{" foobar "}));
  EXPECT_EQ(Extract("ip=<ip> <> path=<path> ",
                    "x=a, ip=1.2.3.4 method=GET host='abc' path=/foo/bar some tail here"),
            (Values{"1.2.3.4", "/foo/bar"}));
}

TEST(ExtractPattern, MissingLiterals) {
  bool matched = true;
  // The leading literal is absent: no match, everything empty.
  EXPECT_EQ(Extract("foo=<bar>", "foobar", &matched), (Values{""}));
  EXPECT_FALSE(matched);
  EXPECT_EQ(Extract("foo<bar>", "", &matched), (Values{""}));
  EXPECT_FALSE(matched);
  // A later literal is absent: the fields before it keep their values, the rest are empty.
  EXPECT_EQ(Extract("a=<a>, b=<b>; c=<c>.", "x a=1, b=2 c=3.", &matched), (Values{"1", "", ""}));
  EXPECT_TRUE(matched);
  EXPECT_EQ(Extract("foo<bar>baz", "a foobaz bar"), (Values{""}));
  EXPECT_EQ(Extract("foo<bar>baz", "a foo foobar", &matched), (Values{""}));
  EXPECT_TRUE(matched);
  // `<_>` skips a whole quoted string, like a named placeholder would.
  EXPECT_EQ(Extract("<_> <a>", R"("x y" z)"), (Values{"z"}));
  EXPECT_EQ(Extract("<plain:a> <b>", R"("x y" z)"), (Values{"\"x", "y\" z"}));
  // `<_>` skips text but still needs its literal.
  EXPECT_EQ(Extract("<a> <_> <b>", "1 2 3 4"), (Values{"1", "3 4"}));
  EXPECT_EQ(Extract("<a> <_>|<b>", "1 2 3"), (Values{"1", ""}));
}

TEST(ExtractPattern, QuotedCaptures) {
  EXPECT_EQ(Extract(R"("msg":<msg>,)", R"({"foo":"bar","msg":"foo,b\"ar\n\t","baz":"x"})"),
            (Values{"foo,b\"ar\n\t"}));
  EXPECT_EQ(Extract("foo=<bar>", "foo=`bar baz,abc` def"), (Values{"bar baz,abc"}));
  EXPECT_EQ(Extract("foo=<bar> ", "foo=`bar baz,abc` def"), (Values{"bar baz,abc"}));
  EXPECT_EQ(Extract("<foo>", R"("foo,\"bar")"), (Values{"foo,\"bar"}));
  // Go escapes: \x41 \101 \u00e9 \U0001F600 \a; '\r' is dropped from raw strings.
  EXPECT_EQ(Extract("k=<v> ", R"(k="\x41\101\u00e9\U0001F600\a" x)"), (Values{"AAé\xF0\x9F\x98\x80\a"}));
  EXPECT_EQ(Extract("k=<v> ", "k=`a\r\nb` x"), (Values{"a\nb"}));
  // An invalid UTF-8 byte inside "..." becomes U+FFFD; \xff stays a raw byte.
  EXPECT_EQ(Extract("k=<v> ", "k=\"\xff\\xff\" x"), (Values{"\xEF\xBF\xBD\xFF"}));
  // The literal must follow the closing quote; otherwise this field keeps its value and matching stops.
  EXPECT_EQ(Extract("baz=<abc> a=<aa>", R"(foo=bar baz="x y=z" a=b)"), (Values{"x y=z", "b"}));
  EXPECT_EQ(Extract("baz=<abc> a=<aa>", R"(foo=bar baz="x y=z" )"), (Values{"x y=z", ""}));
  EXPECT_EQ(Extract("foo=<bar> baz=<xx>", R"(a foo="a\"b\\c" cde baz=aa)"), (Values{"a\"b\\c", ""}));
  EXPECT_EQ(Extract(R"(<foo>,"bar)", R"("foo,\"bar")"), (Values{"foo,\"bar"}));
  // Not a valid Go literal: captured as plain text up to the next literal.
  EXPECT_EQ(Extract("k=<v> ", R"(k="bad\q x" y)"), (Values{"\"bad\\q"}));
  EXPECT_EQ(Extract("k=<v> ", R"(k="it\'s" y)"), (Values{"\"it\\'s\""}));
  EXPECT_EQ(Extract("k=<v> ", "k=\"new\nline\" y"), (Values{"\"new\nline\""}));
  EXPECT_EQ(Extract("k=<v>", R"(k="open)"), (Values{"\"open"}));
  EXPECT_EQ(Extract("k=<v> ", R"(k="\ud800" y)"), (Values{"\"\\ud800\""}));
  // A trailing quoted placeholder ignores what follows the closing quote.
  EXPECT_EQ(Extract("k=<v>", R"(k="a b" tail)"), (Values{"a b"}));
  // Only a quote at the very start of the capture counts.
  EXPECT_EQ(Extract("k=<v>;", R"(k=x"a;b";)"), (Values{"x\"a"}));
}

TEST(ExtractPattern, PlainDisablesUnquoting) {
  EXPECT_EQ(Extract("[<plain:foo>]", R"(["foo","bar"])"), (Values{R"("foo","bar")"}));
  EXPECT_EQ(Extract("foo=[< plain : bar >]", R"(a foo=["bc","de"])"), (Values{R"("bc","de")"}));
  EXPECT_EQ(Extract("foo=[< bar >]", R"(a foo=["bc","de"])"), (Values{"bc"}));
  // Any other option is ignored.
  EXPECT_EQ(Extract("foo=[<q:bar>]", R"(a foo=["bc","de"])"), (Values{"bc"}));
}

TEST(ExtractPattern, HtmlEntitiesInLiterals) {
  EXPECT_EQ(Extract("ip=&lt;<ip>&gt;", "foo ip=<1.2.3.4> bar"), (Values{"1.2.3.4"}));
  // Only the pattern is unescaped, never the input.
  EXPECT_EQ(Extract("ip=&lt;<ip>&gt;", "foo ip=<foo&amp;bar> bar"), (Values{"foo&amp;bar"}));
  EXPECT_EQ(Extract("&quot;<a>&apos;&amp;&#33;&#x3F;", "x\"1'&!?"), (Values{"1"}));
  // `&amp;gt;` is one entity followed by text: it matches "&gt;".
  EXPECT_EQ(Extract("&lt;<a>&amp;gt;", "<v&gt;"), (Values{"v"}));
  // Unknown entities stay as written; a legacy one without ';' is decoded ("&ampx" -> "&x").
  EXPECT_EQ(Extract("<a>&bogus;", "1&bogus;"), (Values{"1"}));
  EXPECT_EQ(Extract("<a>&ampx", "1&x"), (Values{"1"}));
  EXPECT_EQ(Extract("<a>&nbsp;|", "1\xC2\xA0|"), (Values{"1"}));
}

TEST(ExtractPattern, DuplicateNamesTakeTheLastPlaceholder) {
  EXPECT_EQ(Extract("<a> <b> <a>.", "1 2 3."), (Values{"3", "2"}));
  // The last `a` is not reached: it is empty even though the first one matched.
  EXPECT_EQ(Extract("<a> <b> <a>.", "1 2 3"), (Values{"", "2"}));
}

TEST(ExtractPattern, ManyQuotedValuesKeepValidViews) {
  std::string pattern, input;
  Values want;
  for (int i = 0; i < 12; i++) {
    pattern += "f" + std::to_string(i) + "=<f" + std::to_string(i) + "> ";
    input += "f" + std::to_string(i) + "=\"v\\t" + std::string(40, static_cast<char>('a' + i)) + "\" ";
    want.push_back("v\t" + std::string(40, static_cast<char>('a' + i)));
  }
  EXPECT_EQ(Extract(pattern, input), want);
}

TEST(ExtractPattern, ReusedBuffersAreReset) {
  const ExtractPattern p = MustParseExtract("a=<a> b=<b>");
  std::vector<std::string_view> out;
  std::string scratch;
  EXPECT_TRUE(p.Match(R"(a="x" b="y")", &out, &scratch));
  EXPECT_EQ(out, (std::vector<std::string_view>{"x", "y"}));
  EXPECT_FALSE(p.Match("nothing", &out, &scratch));
  EXPECT_EQ(out, (std::vector<std::string_view>{"", ""}));
}

// ---------------------------------------------------------------------------------------------
// format

FormatPattern MustParseFormat(std::string_view p) {
  auto r = FormatPattern::Parse(p);
  EXPECT_TRUE(r.ok()) << p << ": " << r.status().message();
  return std::move(r).value();
}

std::string Format(std::string_view pattern, const std::map<std::string, std::string>& row) {
  const FormatPattern p = MustParseFormat(pattern);
  std::string out = "prefix:";
  p.Render(
      [&](size_t i) -> std::string_view {
        const auto it = row.find(p.fields()[i]);
        return it == row.end() ? std::string_view() : std::string_view(it->second);
      },
      &out);
  EXPECT_EQ(out.substr(0, 7), "prefix:");  // Render appends
  return out.substr(7);
}

// Renders `<mod:v>` for a single value.
std::string Mod(std::string_view mod, std::string_view v) {
  return Format("<" + std::string(mod) + ":v>", {{"v", std::string(v)}});
}

TEST(FormatPattern, ParseAndFields) {
  const FormatPattern p = MustParseFormat("a<foo>aa<_msg>xx<q:foo>x< uc : bar ><_><*><>");
  EXPECT_EQ(p.fields(), (Values{"foo", "_msg", "bar"}));
  EXPECT_EQ(p.text(), "a<foo>aa<_msg>xx<q:foo>x< uc : bar ><_><*><>");
  EXPECT_TRUE(FormatPattern::Parse("").ok());
  EXPECT_TRUE(FormatPattern::Parse("<a><b>").ok());  // adjacent placeholders are fine here
  for (const char* bad : {"foo<bar*>", "<q:*>", "< * >", "<a", "x<a>y<"}) {
    auto r = FormatPattern::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
}

TEST(FormatPattern, PlainRendering) {
  EXPECT_EQ(Format("a<foo>aa<_msg>xx<a>x", {{"_msg", "foobar"}, {"a", "b"}}), "aaafoobarxxbx");
  EXPECT_EQ(Format("<_>foo<_>", {{"_msg", "foobar"}}), "foo");
  EXPECT_EQ(Format("&lt;foo&gt;", {}), "<foo>");
  EXPECT_EQ(Format("", {{"a", "b"}}), "");
  EXPECT_EQ(Format("<foo><bar>", {{"foo", "abc"}, {"bar", "cde"}}), "abccde");
  EXPECT_EQ(Format("a: <a>, b: <b>, x: <a>", {{"a", "f"}}), "a: f, b: , x: f");
  // Unknown or wrong-case modifiers insert the value unchanged.
  EXPECT_EQ(Format("<bogus:a>|<Q:a>", {{"a", "x\"y"}}), "x\"y|x\"y");
  EXPECT_EQ(Format(R"({"foo":<q:foo>,"bar":"<bar>"})", {{"foo", "\"abc\""}, {"bar", "cde"}}),
            R"({"foo":"\"abc\"","bar":"cde"})");
}

TEST(FormatPattern, JsonQuote) {
  EXPECT_EQ(Mod("q", "abc"), "\"abc\"");
  EXPECT_EQ(Mod("q", ""), "\"\"");
  EXPECT_EQ(Mod("q", std::string("a\"b\\c<d>e'f\n\r\t\b\f\x01\x1f\x7f\xff", 20)),
            "\"a\\\"b\\\\c\\u003cd>e\\u0027f\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\xff\"");
  EXPECT_EQ(Mod("q", std::string("\0", 1)), "\"\\u0000\"");
}

TEST(FormatPattern, Case) {
  EXPECT_EQ(Format("<uc:foo><lc:bar>", {{"foo", "aцC"}, {"bar", "aBП"}}), "AЦCabп");
  EXPECT_EQ(Mod("uc", "ǅ straße ÿ µ"), "Ǆ STRAßE Ÿ Μ");  // simple mappings only: ß stays
  EXPECT_EQ(Mod("lc", "ǅ İ ΣΑΣ K"), "ǆ i σασ k");       // U+212A KELVIN SIGN -> k
  EXPECT_EQ(Mod("uc", "ⓐ𐐨ａ"), "Ⓐ𐐀Ａ");
  EXPECT_EQ(Mod("uc", "a\xff" "b"), "A\xEF\xBF\xBD" "B");  // invalid UTF-8 -> U+FFFD
  EXPECT_EQ(Mod("lc", "\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(FormatPattern, UrlEncoding) {
  EXPECT_EQ(Mod("urlencode", "aцC"), "a%D1%86C");
  EXPECT_EQ(Mod("urlencode", "a~b c/d?x=1&y-_.Z"), "a%7Eb+c%2Fd%3Fx%3D1%26y-_.Z");
  EXPECT_EQ(Mod("urldecode", "a+b%20d"), "a b d");
  EXPECT_EQ(Mod("urldecode", "%D1%86%d1%86"), "цц");
  EXPECT_EQ(Mod("urldecode", "%zz%4"), "%zz%4");  // bad escapes stay as written
  EXPECT_EQ(Mod("urldecode", "%%41%"), "%A%");
}

TEST(FormatPattern, HexEncoding) {
  EXPECT_EQ(Mod("hexencode", "aцC"), "61D18643");
  EXPECT_EQ(Mod("hexencode", ""), "");
  EXPECT_EQ(Mod("hexdecode", "D099D0A6D0A3D09A"), "ЙЦУК");
  EXPECT_EQ(Mod("hexdecode", "6a6B"), "jk");
  EXPECT_EQ(Mod("hexdecode", "41zz4"), "Azz4");  // a bad pair and the odd last byte are copied
}

TEST(FormatPattern, Base64) {
  EXPECT_EQ(Mod("base64encode", "aцC"), "YdGGQw==");
  EXPECT_EQ(Mod("base64encode", "a"), "YQ==");
  EXPECT_EQ(Mod("base64encode", "ab"), "YWI=");
  EXPECT_EQ(Mod("base64encode", "abc"), "YWJj");
  EXPECT_EQ(Mod("base64decode", "YdGGQw=="), "aцC");
  EXPECT_EQ(Mod("base64decode", "YWJj"), "abc");
  EXPECT_EQ(Mod("base64decode", "Y\r\nQ=\n="), "a");  // line breaks are skipped
  EXPECT_EQ(Mod("base64decode", "YR=="), "a");        // unused bits are not checked
  EXPECT_EQ(Mod("base64decode", ""), "");
  for (const char* bad : {"al", "YQ=", "YQ", "YQ==YQ==", "Y===", "=", "YW Jj", "YWJj*"}) {
    EXPECT_EQ(Mod("base64decode", bad), bad);
  }
}

TEST(FormatPattern, HexNumbers) {
  EXPECT_EQ(Mod("hexnumencode", "1234"), "00000000000004D2");
  EXPECT_EQ(Mod("hexnumencode", "0"), "0000000000000000");
  EXPECT_EQ(Mod("hexnumencode", "18446744073709551615"), "FFFFFFFFFFFFFFFF");
  EXPECT_EQ(Mod("hexnumencode", "1_000"), "00000000000003E8");
  for (const char* bad : {"", "-1", "01", "0x10", "18446744073709551616", "1.5"}) {
    EXPECT_EQ(Mod("hexnumencode", bad), bad);
  }
  EXPECT_EQ(Mod("hexnumdecode", "00000000000004D2"), "1234");
  EXPECT_EQ(Mod("hexnumdecode", "4d2"), "1234");
  EXPECT_EQ(Mod("hexnumdecode", "FFFFFFFFFFFFFFFF"), "18446744073709551615");
  EXPECT_EQ(Mod("hexnumdecode", ""), "0");
  EXPECT_EQ(Mod("hexnumdecode", "xyz"), "xyz");
  EXPECT_EQ(Mod("hexnumdecode", "10000000000000000"), "10000000000000000");  // 17 digits: as is
}

TEST(FormatPattern, Ipv4) {
  EXPECT_EQ(Mod("ipv4", "1234567890"), "73.150.2.210");
  EXPECT_EQ(Mod("ipv4", "0"), "0.0.0.0");
  EXPECT_EQ(Mod("ipv4", "4294967295"), "255.255.255.255");
  for (const char* bad : {"4294967296", "-1", "1.2.3.4", "ghkl", ""}) EXPECT_EQ(Mod("ipv4", bad), bad);
}

TEST(FormatPattern, Time) {
  EXPECT_EQ(Mod("time", "1717328141"), "2024-06-02T11:35:41Z");                         // seconds
  EXPECT_EQ(Mod("time", "1717328141123"), "2024-06-02T11:35:41.123Z");                  // ms
  EXPECT_EQ(Mod("time", "1717328141123456"), "2024-06-02T11:35:41.123456Z");           // µs
  EXPECT_EQ(Mod("time", "1717328141123456789"), "2024-06-02T11:35:41.123456789Z");      // ns
  EXPECT_EQ(Mod("time", "1717328141.123456789"), "2024-06-02T11:35:41.123456789Z");
  EXPECT_EQ(Mod("time", "1717328141.5"), "2024-06-02T11:35:41.5Z");
  EXPECT_EQ(Mod("time", "-1717328141.123"), "1915-08-01T12:24:18.877Z");
  EXPECT_EQ(Mod("time", "-1717328141"), "1915-08-01T12:24:19Z");
  EXPECT_EQ(Mod("time", "1.5e9"), "2017-07-14T02:40:00Z");
  EXPECT_EQ(Mod("time", "0"), "1970-01-01T00:00:00Z");
  // VictoriaMetrics' unit detection works on the scaled integer: "1.5" is 1500 (ms-scaled) read as seconds.
  EXPECT_EQ(Mod("time", "1.5"), "1970-01-01T00:25:00Z");
  // 2^31 seconds and above count as milliseconds.
  EXPECT_EQ(Mod("time", "2147483648"), "1970-01-25T20:31:23.648Z");
  for (const char* bad : {"abc", "", "1.", ".5", "1e", "1_000", "2024-06-02T11:35:41Z", "1.5e-3"}) {
    EXPECT_EQ(Mod("time", bad), bad);
  }
}

TEST(FormatPattern, Duration) {
  EXPECT_EQ(Mod("duration", "210123456789"), "3m30.123456789s");
  EXPECT_EQ(Mod("duration", "0"), "0");
  EXPECT_EQ(Mod("duration", "1"), "1ns");
  EXPECT_EQ(Mod("duration", "1500000"), "1ms500µs");
  EXPECT_EQ(Mod("duration", "1001001"), "1ms1µs1ns");
  EXPECT_EQ(Mod("duration", "1000000000"), "1s");
  EXPECT_EQ(Mod("duration", "3600000000000"), "1h");
  EXPECT_EQ(Mod("duration", "90000000000000"), "1d1h");
  EXPECT_EQ(Mod("duration", "604800000000001"), "1w1ns");
  EXPECT_EQ(Mod("duration", "-61500000000"), "-1m1.5s");
  EXPECT_EQ(Mod("duration", "1_000"), "1µs");
  for (const char* bad : {"abc", "", "01", "1.5", "1s", "9223372036854775808"}) EXPECT_EQ(Mod("duration", bad), bad);
}

TEST(FormatPattern, DurationSeconds) {
  EXPECT_EQ(Mod("duration_seconds", "1h5m35s"), "3935");
  EXPECT_EQ(Mod("duration_seconds", "1.5m"), "90");
  EXPECT_EQ(Mod("duration_seconds", "500ms"), "0.5");
  EXPECT_EQ(Mod("duration_seconds", "1µs"), "0.000001");
  EXPECT_EQ(Mod("duration_seconds", "1d"), "86400");
  EXPECT_EQ(Mod("duration_seconds", "1w"), "604800");
  EXPECT_EQ(Mod("duration_seconds", "1y"), "31536000");
  EXPECT_EQ(Mod("duration_seconds", "-1h"), "-3600");
  EXPECT_EQ(Mod("duration_seconds", "1_000ms"), "1");
  for (const char* bad : {"foobar", "", "5", "1us", "1h-5m", "1.2.3s", ".5s", "1mo"}) {
    EXPECT_EQ(Mod("duration_seconds", bad), bad);
  }
}

TEST(FormatPattern, EveryModifierOnOneRow) {
  EXPECT_EQ(Format("time=<time:foo>, duration=<duration:bar>, duration_secs=<duration_seconds:d> ip=<ipv4:baz>",
                   {{"foo", "1717328141123456789"}, {"bar", "210123456789"}, {"baz", "1234567890"}, {"d", "1h5m35s"}}),
            "time=2024-06-02T11:35:41.123456789Z, duration=3m30.123456789s, duration_secs=3935 ip=73.150.2.210");
  EXPECT_EQ(Format("time=<time:foo>, duration=<duration:bar>, duration_secs=<duration_seconds:d> ip=<ipv4:baz>",
                   {{"foo", "abc"}, {"bar", "de"}, {"baz", "ghkl"}, {"d", "foobar"}}),
            "time=abc, duration=de, duration_secs=foobar ip=ghkl");
  EXPECT_EQ(Format("<uc:foo><lc:bar> <hexencode:foo> <hexdecode:baz> <hexnumencode:n> <hexnumdecode:hn> "
                   "<urlencode:foo> <urldecode:y>",
                   {{"foo", "aцC"},
                    {"bar", "aBП"},
                    {"baz", "D099D0A6D0A3D09A"},
                    {"n", "1234"},
                    {"hn", "00000000000004D2"},
                    {"y", "a+b%20d"}}),
            "AЦCabп 61D18643 ЙЦУК 00000000000004D2 1234 a%D1%86C a b d");
  EXPECT_EQ(Format("<base64encode:foo>;<base64decode:bar>;<base64decode:baz>",
                   {{"foo", "aцC"}, {"bar", "YdGGQw=="}, {"baz", "al"}}),
            "YdGGQw==;aцC;al");
}

TEST(PatternInternal, HtmlUnescape) {
  auto un = [](std::string_view s) {
    std::string out;
    pattern_internal::AppendHtmlUnescaped(s, &out);
    return out;
  };
  EXPECT_EQ(un("&lt;&gt;&amp;&quot;&apos;"), "<>&\"'");
  EXPECT_EQ(un("&#60;&#x3C;&#X3c;&#128;&#0;"), "<<<€\xEF\xBF\xBD");
  EXPECT_EQ(un("&#9"), "&#9");  // Go 1.24: a single digit without ';' is not decoded
  EXPECT_EQ(un("&#60x"), "<x");
  EXPECT_EQ(un("&NotEqualTilde;"), "\xE2\x89\x82\xCC\xB8");  // two code points
  EXPECT_EQ(un("&nGt;"), "&nGt;");                           // left out of Go's table
  EXPECT_EQ(un("&copy=2;&notit;&;&"), "©=2;¬it;&;&");
}

}  // namespace
}  // namespace vl::logsql::pipes
