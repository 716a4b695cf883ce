#include <gtest/gtest.h>

#include "vl/common/time_util.h"
#include "vl/logsql/executor.h"
#include "vl/logsql/query.h"

namespace vl::logsql {
namespace {

int64_t Now() {
  int64_t ns = 0;
  ParseRFC3339("2025-01-01T01:00:00Z", &ns);
  return ns;
}

std::string Canon(const std::string& q) {
  auto r = ParseQuery(q, Now());
  if (!r.ok()) return "ERROR: " + r.status().message();
  return r.value()->ToString();
}

struct Case {
  const char* in;
  const char* out;
};

TEST(ParserTest, CanonicalForms) {
  const Case cases[] = {
      {"error", "error"},
      {"error -buggy OR foo", "error !buggy or foo"},
      {"(error -buggy) OR foo", "error !buggy or foo"},
      {"error AND (buggy OR foo)", "error (buggy or foo)"},
      {"NOT error", "!error"},
      {"not (a or b)", "!(a or b)"},
      {"-a -b", "!a !b"},
      {"!!a", "a"},
      {"a and b and (c and d)", "a b c d"},
      {"a or (b or c)", "a or b or c"},
      {"* error *", "error"},
      {"foo OR *", "*"},
      {"\"foo bar\"", "\"foo bar\""},
      {"foo-bar", "\"foo-bar\""},
      {"1.2.3.4", "1.2.3.4"},
      {"/api/v1", "\"/api/v1\""},
      {"err*", "err*"},
      {"\"foo bar\"*", "\"foo bar\"*"},
      {"level:error", "level:error"},
      {"log.level:error", "log.level:error"},
      {"\"ip:remote\":\"1.2.3.4\"", "\"ip:remote\":1.2.3.4"},
      {"ts:12:30", "ts:\"12:30\""},
      {"field:*", "field:*"},
      {"field:\"\"", "field:\"\""},
      {"field:=\"v\"", "field:=v"},
      {"field:!=\"v\"", "!field:=v"},
      {"=\"full value\"*", "=\"full value\"*"},
      {"~\"err|warn\"", "~\"err|warn\""},
      {"f:!~\"re\"", "!f:~\"re\""},
      {"~\"\"", "*"},
      {"~\".*\" foo", "foo"},
      {"f:~\".+\"", "f:*"},
      {"i(Error)", "i(error)"},
      {"f:i(\"Foo Bar\"*)", "f:i(\"foo bar\"*)"},
      {"level:(warn OR debug)", "level:warn or level:debug"},
      {"level:in(a, b)", "level:in(a,b)"},
      {"exact(\"x\")", "=x"},
      {"{app=\"x\"}", "{app=\"x\"}"},
      {"_stream:{app=~\"a.*\", env!=\"dev\" or app in (x, \"y.z\")}",
       "{app=~\"a.*\",env!=\"dev\" or app=~\"x|y\\\\.z\"}"},
      {"{a=\"b\"} {c=\"d\"} foo", "{a=\"b\",c=\"d\"} foo"},
      {"_time:5m", "_time:5m"},
      {"_time:1h   offset 5m", "_time:1h offset 5m"},
      {"_time:[2025-01-01Z, 2025-02-01Z)", "_time:[2025-01-01Z, 2025-02-01Z)"},
      {"\"and\" \"or\" \"not\" \"limit\"", "\"and\" \"or\" \"not\" \"limit\""},
      {"AND:x", "\"AND\":x"},
      {"a # comment\nb", "a b"},
      {"'single\\'quote'", "\"single'quote\""},
      {"foo | limit", "foo | limit 10"},
      {"foo | head 5 | skip 2", "foo | limit 5 | offset 2"},
      {"foo | keep a, b, c*", "foo | fields a, b, c*"},
      {"foo | sort by (a, b desc) desc", "foo | sort by (a, b desc) desc"},
      {"foo | sort by (a) | limit 5 | offset 3", "foo | sort by (a) limit 5 | offset 3"},
      {"foo | order (a) offset 3 | limit 5", "foo | sort by (a) offset 3 limit 5"},
      {"foo | sort by (a) | offset 3", "foo | sort by (a) offset 3"},
      {"foo | stats count()", "foo | stats count(*) as \"count(*)\""},
      {"foo | count() c", "foo | stats count(*) as c"},
      {"foo | STATS BY (a, b) count() AS c, count_uniq(u) u", "foo | stats by (a, b) count(*) as c, count_uniq(u) as u"},
      {"foo | stats (a) count(x, y)", "foo | stats by (a) count(x, y) as \"count(x, y)\""},
      {"foo | filter bar | filter baz", "foo bar baz"},
      {"foo | limit 3 | filter bar | where baz", "foo | limit 3 | filter bar baz"},
      {"foo | x:y", "foo x:y"},
      {"contains_all(foo, \"bar baz\")", "contains_all(foo,\"bar baz\")"},
      {"f:contains_any(a)", "f:contains_any(a)"},
      {"seq(\"a b\", c)", "seq(\"a b\",c)"},
      {"seq(\"\", c)", "seq(c)"},
      {"ip:ipv4_range(\"10.0.0.0/8\")", "ip:ipv4_range(10.0.0.0, 10.255.255.255)"},
      {"ip:IPV4_RANGE(1.2.3.4)", "ip:ipv4_range(1.2.3.4, 1.2.3.4)"},
      {"n:string_range(A, \"C d\")", "n:string_range(A, \"C d\")"},
      {"len_range(5, inf)", "len_range(5, inf)"},
      {"x:value_type(uint64)", "x:value_type(uint64)"},
      {"a:eq_field(b) a:le_field(b) a:lt_field(b)", "a:eq_field(b) a:le_field(b) a:lt_field(b)"},
      {"x:range[1, 5)", "x:range[1, 5)"},
      {"x:range(1, 5]", "x:range(1, 5]"},
      {"user:<\"John\"", "user:<\"John\""},
      {"_time:day_range[08:00, 18:00) OFFSET 2h", "_time:day_range[08:00, 18:00) OFFSET 2h"},
      {"_time:week_range[Mon, Fri]", "_time:week_range[Mon, Fri]"},
      {"x:in(*)", "*"},
      {"x:in()", "x:in()"},
      {"x:in(a | fields y)", "x:in(a | fields y)"},
      {"x:in(options(concurrency=1) a | fields y)", "x:in(options(concurrency=1) a | fields y)"},
      {"options(ignore_global_time_filter=1, concurrency=4) a", "options(concurrency=4, ignore_global_time_filter=true) a"},
      {"options(concurrency=5000) a", "options(concurrency=1024) a"},
  };
  for (const auto& c : cases) {
    std::string got = Canon(c.in);
    EXPECT_EQ(got, c.out) << "query: " << c.in;
    EXPECT_EQ(Canon(got), got) << "round trip of: " << got;
  }
}

TEST(ParserTest, Errors) {
  const Case cases[] = {
      {"foo |", "cannot parse query [foo |]: unexpected end of query at position 6; expected pipe name"},
      {"foo and", "unexpected end of query at position 8; expected filter after 'and'"},
      {"(foo", "unexpected end of query at position 5; expected ')'"},
      {"foo)", "unexpected token \")\" at position 4; expected '|' or end of query"},
      {"| foo", "unexpected token \"|\" at position 1; expected filter"},
      {"stats", "query cannot start with pipe name \"stats\" at position 1"},
      {"Limit 5", "query cannot start with pipe name \"Limit\" at position 1"},
      {"count()", "query cannot start with pipe name \"count\""},
      {"foo | stats count() c, count() c", "duplicate result name \"c\" at position 33"},
      {"foo | sort by (a) limit x", "unexpected token \"x\" at position 25; expected limit value"},
      {"{app=\"x\"", "expected ',', 'or' or '}'"},
      {"f*:x", "wildcard field names are not supported"},
      {"foo | unpack_json from", "unexpected end of query at position 23; expected field name after from"},
      {"~\"(\"", "invalid regexp"},
      {"_time:[foo, bar]", "cannot parse start time"},
      {"_time:bogus", "cannot parse time filter value"},
      {"foo:{a=\"b\"}", "stream filter is allowed only for _stream"},
      {"foo | offset", "expected number of rows to skip"},
  };
  for (const auto& c : cases) {
    auto r = ParseQuery(c.in, Now());
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.out), std::string::npos) << c.in << " -> " << r.status().message();
  }
}

// The time range the query's filter restricts the storage search to.
std::pair<int64_t, int64_t> SearchBounds(const Query& q) {
  SearchSpec spec = MakeSearchSpec(TenantID{}, q, nullptr);
  return {spec.min_timestamp, spec.max_timestamp};
}

TEST(ParserTest, TimeRanges) {
  auto q = ParseQuery("_time:5m", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).first, Now() - 300 * kNanosPerSecond);
  EXPECT_EQ(SearchBounds(*q.value()).second, Now());

  q = ParseQuery("_time:1h offset 5m", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).first, Now() - 3900 * kNanosPerSecond);
  EXPECT_EQ(SearchBounds(*q.value()).second, Now() - 300 * kNanosPerSecond);

  int64_t d0, d1;
  ParseRFC3339("2025-01-01T00:00:00Z", &d0);
  ParseRFC3339("2025-01-02T00:00:00Z", &d1);
  q = ParseQuery("_time:2025-01-01Z", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).first, d0);
  EXPECT_EQ(SearchBounds(*q.value()).second, d1 - 1);

  q = ParseQuery("_time:[2025-01-01Z, 2025-01-02Z)", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).first, d0);
  EXPECT_EQ(SearchBounds(*q.value()).second, d1 - 1);

  q = ParseQuery("_time:(2025-01-01Z, 2025-01-01Z]", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).first, d0 + 1);
  EXPECT_EQ(SearchBounds(*q.value()).second, d1 - 1);

  q = ParseQuery("_time:<=2025-01-01Z", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).second, d1 - 1);
  q = ParseQuery("_time:>=2025-01-01Z", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(SearchBounds(*q.value()).first, d0);
}

TEST(QueryTest, AddTimeRangeRoundTrips) {
  auto q = ParseQuery("error or warn", Now());
  ASSERT_TRUE(q.ok());
  int64_t start = Now() - 12345, end = Now() + 1;
  q.value()->AddTimeRange(start, end);
  std::string s = q.value()->ToString();
  auto q2 = ParseQuery(s, Now());
  ASSERT_TRUE(q2.ok()) << s;
  EXPECT_EQ(q2.value()->ToString(), s);
  const Filter& f = q2.value()->filter();
  ASSERT_EQ(f.kind(), "and");
  EXPECT_EQ(f.children()[0]->kind(), "time");
  EXPECT_EQ(SearchBounds(*q2.value()), std::make_pair(start, end));
}

TEST(QueryTest, GlobalTimeRangeReachesSubqueries) {
  auto q = ParseQuery("x:in(y | fields x)", Now());
  ASSERT_TRUE(q.ok());
  q.value()->AddTimeRange(100, 200);
  EXPECT_EQ(q.value()->ToString(),
            "_time:[1970-01-01T00:00:00.000000100Z, 1970-01-01T00:00:00.000000200Z] "
            "x:in(_time:[1970-01-01T00:00:00.000000100Z, 1970-01-01T00:00:00.000000200Z] y | fields x)");
  // ignore_global_time_filter applies where it is written, and to the subqueries inside it.
  q = ParseQuery("x:in(options(ignore_global_time_filter=true) y | fields x)", Now());
  ASSERT_TRUE(q.ok());
  q.value()->AddTimeRange(100, 200);
  EXPECT_EQ(q.value()->ToString(),
            "_time:[1970-01-01T00:00:00.000000100Z, 1970-01-01T00:00:00.000000200Z] "
            "x:in(options(ignore_global_time_filter=true) y | fields x)");
  q = ParseQuery("options(ignore_global_time_filter=true) x:in(y | fields x)", Now());
  ASSERT_TRUE(q.ok());
  q.value()->AddTimeRange(100, 200);
  EXPECT_EQ(q.value()->ToString(), "options(ignore_global_time_filter=true) x:in(options(ignore_global_time_filter=true) y | fields x)");
}

TEST(QueryTest, AppendLimitAndLastNRows) {
  auto q = ParseQuery("error | fields _time, _msg", Now());
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q.value()->CanReturnLastNRows());
  q.value()->AppendLimit(7);
  EXPECT_EQ(q.value()->ToString(), "error | fields _time, _msg | limit 7");
  EXPECT_FALSE(q.value()->CanReturnLastNRows());

  EXPECT_TRUE(ParseQuery("error", Now()).value()->CanReturnLastNRows());
  EXPECT_TRUE(ParseQuery("error | filter x", Now()).value()->CanReturnLastNRows());
  EXPECT_FALSE(ParseQuery("error | fields _msg", Now()).value()->CanReturnLastNRows());
  EXPECT_FALSE(ParseQuery("error | count()", Now()).value()->CanReturnLastNRows());
  EXPECT_FALSE(ParseQuery("error | sort by (a)", Now()).value()->CanReturnLastNRows());
  EXPECT_FALSE(ParseQuery("error | offset 1", Now()).value()->CanReturnLastNRows());
}

}  // namespace
}  // namespace vl::logsql
