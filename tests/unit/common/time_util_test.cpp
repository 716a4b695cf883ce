#include "vl/common/time_util.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace vl {
namespace {

constexpr int64_t S = kNanosPerSecond;
// 2025-01-02T03:04:05Z
constexpr int64_t kT0 = 1735787045LL * S;

int64_t Rfc(std::string_view s) {
  int64_t ns = 0;
  EXPECT_TRUE(ParseRFC3339(s, &ns)) << s;
  return ns;
}

TEST(TimeUtil, ParseRFC3339Basic) {
  EXPECT_EQ(Rfc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05Z"), kT0);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05"), kT0);  // no zone = UTC
  EXPECT_EQ(Rfc("2025-01-02 03:04:05Z"), kT0);
  EXPECT_EQ(Rfc("2025-01-02t03:04:05z"), kT0);
  EXPECT_EQ(Rfc("2000-02-29T00:00:00Z"), 951782400LL * S);
  EXPECT_EQ(Rfc("1969-12-31T23:59:59Z"), -S);
  EXPECT_EQ(Rfc("1677-09-21T00:12:43.145224192Z"), INT64_MIN);
  EXPECT_EQ(Rfc("2262-04-11T23:47:16.854775807Z"), INT64_MAX);
}

TEST(TimeUtil, ParseRFC3339Fractions) {
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.1Z"), kT0 + 100000000);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.12Z"), kT0 + 120000000);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.123Z"), kT0 + 123000000);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.1234Z"), kT0 + 123400000);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.12345Z"), kT0 + 123450000);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.123456Z"), kT0 + 123456000);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.1234567Z"), kT0 + 123456700);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.12345678Z"), kT0 + 123456780);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.123456789Z"), kT0 + 123456789);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05.000000001Z"), kT0 + 1);
  EXPECT_EQ(Rfc("1969-12-31T23:59:59.5Z"), -S / 2);
}

TEST(TimeUtil, ParseRFC3339Offsets) {
  EXPECT_EQ(Rfc("2025-01-02T08:34:05+05:30"), kT0);
  EXPECT_EQ(Rfc("2025-01-01T22:04:05-05:00"), kT0);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05+00:00"), kT0);
  EXPECT_EQ(Rfc("2025-01-02T03:04:05-00:00"), kT0);
  EXPECT_EQ(Rfc("2025-01-02T08:34:05.25+05:30"), kT0 + S / 4);
  EXPECT_EQ(Rfc("2025-01-02T08:34:05+0530"), kT0);
}

TEST(TimeUtil, ParseRFC3339Bad) {
  int64_t ns;
  for (const char* s : {"", "2025", "2025-01-02", "2025-01-02T03:04", "2025-01-02T03:04:5Z", "2025-13-02T03:04:05Z",
                        "2025-00-02T03:04:05Z", "2025-02-29T03:04:05Z", "2025-04-31T00:00:00Z",
                        "2025-01-02T24:00:00Z", "2025-01-02T03:60:00Z", "2025-01-02T03:04:60Z",
                        "2025-01-02X03:04:05Z", "2025-01-02T03:04:05.Z", "2025-01-02T03:04:05.1234567890Z",
                        "2025-01-02T03:04:05+5:30", "2025-01-02T03:04:05+05:3", "2025-01-02T03:04:05ZZ",
                        "2025-01-02T03:04:05 ", "2025/01/02T03:04:05Z", "abcd-ef-ghTij:kl:mnZ",
                        "2025-01-02T03:04:05+24:00", "3000-01-01T00:00:00Z", "1600-01-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseRFC3339(s, &ns)) << s;
  }
}

TEST(TimeUtil, FormatRFC3339Nano) {
  EXPECT_EQ(FormatRFC3339Nano(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRFC3339Nano(kT0), "2025-01-02T03:04:05Z");
  EXPECT_EQ(FormatRFC3339Nano(kT0 + 123456789), "2025-01-02T03:04:05.123456789Z");
  EXPECT_EQ(FormatRFC3339Nano(kT0 + 120000000), "2025-01-02T03:04:05.12Z");
  EXPECT_EQ(FormatRFC3339Nano(kT0 + 1), "2025-01-02T03:04:05.000000001Z");
  EXPECT_EQ(FormatRFC3339Nano(-1), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(FormatRFC3339Nano(-S / 2), "1969-12-31T23:59:59.5Z");
  EXPECT_EQ(FormatRFC3339Nano(INT64_MAX), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(FormatRFC3339Nano(INT64_MIN), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(FormatRFC3339Nano(951782400LL * S), "2000-02-29T00:00:00Z");
  std::string out = "x=";
  AppendRFC3339Nano(kT0 + 5 * S / 10, &out);
  EXPECT_EQ(out, "x=2025-01-02T03:04:05.5Z");
}

TEST(TimeUtil, FormatParseRoundTrip) {
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int64_t ns = static_cast<int64_t>(x);
    if (i % 3 == 0) ns = ns / 1000000 * 1000000;
    int64_t back = 0;
    std::string s = FormatRFC3339Nano(ns);
    ASSERT_TRUE(ParseRFC3339(s, &back)) << s;
    ASSERT_EQ(back, ns) << s;
  }
}

TEST(TimeUtil, ParseUnixTimestamp) {
  int64_t ns = 0;
  ASSERT_TRUE(ParseUnixTimestamp("1735787045", &ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(ParseUnixTimestamp("1735787045.5", &ns));
  EXPECT_EQ(ns, kT0 + S / 2);
  ASSERT_TRUE(ParseUnixTimestamp("1735787045.123456789", &ns));
  EXPECT_EQ(ns, kT0 + 123456789);
  ASSERT_TRUE(ParseUnixTimestamp("1735787045123", &ns));  // ms
  EXPECT_EQ(ns, kT0 + 123000000);
  ASSERT_TRUE(ParseUnixTimestamp("1735787045123.5", &ns));  // ms with fraction
  EXPECT_EQ(ns, kT0 + 123500000);
  ASSERT_TRUE(ParseUnixTimestamp("1735787045123456", &ns));  // µs
  EXPECT_EQ(ns, kT0 + 123456000);
  ASSERT_TRUE(ParseUnixTimestamp("1735787045123456789", &ns));  // ns
  EXPECT_EQ(ns, kT0 + 123456789);
  ASSERT_TRUE(ParseUnixTimestamp("0", &ns));
  EXPECT_EQ(ns, 0);
  ASSERT_TRUE(ParseUnixTimestamp("-1", &ns));
  EXPECT_EQ(ns, -S);
  ASSERT_TRUE(ParseUnixTimestamp("-1.5", &ns));
  EXPECT_EQ(ns, -S - S / 2);
  ASSERT_TRUE(ParseUnixTimestamp("-1735787045123", &ns));  // negative ms
  EXPECT_EQ(ns, -(kT0 + 123000000));
  ASSERT_TRUE(ParseUnixTimestamp("1.735787045e9", &ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(ParseUnixTimestamp("1.735787045123E12", &ns));
  EXPECT_EQ(ns, kT0 + 123000000);
  ASSERT_TRUE(ParseUnixTimestamp("+12", &ns));
  EXPECT_EQ(ns, 12 * S);
  ASSERT_TRUE(ParseUnixTimestamp(".5", &ns));
  EXPECT_EQ(ns, S / 2);
  for (const char* bad : {"", "-", "+", ".", "abc", "12a", "1e", "1e+", "nan", "inf", "1.2.3", "0x10", "1 ",
                          "99999999999999999999999", "1e300"}) {
    EXPECT_FALSE(ParseUnixTimestamp(bad, &ns)) << bad;
  }
}

TEST(TimeUtil, ParseIngestTimestamp) {
  int64_t now = 42 * S, ns = 0;
  for (const char* s : {"", "0", "-"}) {
    ASSERT_TRUE(ParseIngestTimestamp(s, now, &ns)) << s;
    EXPECT_EQ(ns, now);
  }
  ASSERT_TRUE(ParseIngestTimestamp("2025-01-02T03:04:05.123Z", now, &ns));
  EXPECT_EQ(ns, kT0 + 123000000);
  ASSERT_TRUE(ParseIngestTimestamp("1735787045123", now, &ns));
  EXPECT_EQ(ns, kT0 + 123000000);
  EXPECT_FALSE(ParseIngestTimestamp("yesterday", now, &ns));
  EXPECT_FALSE(ParseIngestTimestamp("2025-01-02", now, &ns));
}

TEST(TimeUtil, ParseDuration) {
  int64_t ns = 0;
  struct Case {
    const char* s;
    int64_t want;
  } cases[] = {
      {"5m", 300 * S},
      {"1h30m", 5400 * S},
      {"2.5d15m42.345s", 216000 * S + 900 * S + 42345000000LL},
      {"500ms", S / 2},
      {"1.5h", 5400 * S},
      {"1w", 7 * 86400 * S},
      {"1y", 365 * 86400 * S},
      {"10ns", 10},
      {"10us", 10000},
      {"10\xC2\xB5s", 10000},
      {"1s500ms", 1500000000},
      {"-1h", -3600 * S},
      {"-1.5s", -1500000000},
      {"+2s", 2 * S},
      {"1d2h3m4s5ms6us7ns", 86400 * S + 7200 * S + 180 * S + 4 * S + 5000000 + 6000 + 7},
      {"0s", 0},
      {".5s", S / 2},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(ParseDuration(c.s, &ns)) << c.s;
    EXPECT_EQ(ns, c.want) << c.s;
  }
  for (const char* bad : {"", "-", "5", "m", "5x", "1h-5m", "1.s.s", "h1", "5m ", " 5m", "1e3s", "--5m",
                          "99999999999y"}) {
    EXPECT_FALSE(ParseDuration(bad, &ns)) << bad;
  }
}

TEST(TimeUtil, ParseTimePeriod) {
  int64_t start = 0, end = 0;
  ASSERT_TRUE(ParseTimePeriod("2025", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-01-01T00:00:00Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-12-31T23:59:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-01T00:00:00Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-30T23:59:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2024-02", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(end), "2024-02-29T23:59:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-12", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-12-31T23:59:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T00:00:00Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-25T23:59:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25T10", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T10:00:00Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-25T10:59:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25T10:20Z", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T10:20:00Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-25T10:20:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25T10:20:30", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T10:20:30Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-25T10:20:30.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25T10:20:30.12", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T10:20:30.12Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-25T10:20:30.129999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25T10:20:30.123456789Z", &start, &end));
  EXPECT_EQ(start, end);
  ASSERT_TRUE(ParseTimePeriod("2025-04-25T10:20+02:00", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T08:20:00Z");
  EXPECT_EQ(FormatRFC3339Nano(end), "2025-04-25T08:20:59.999999999Z");
  ASSERT_TRUE(ParseTimePeriod("2025-04-25 10", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-04-25T10:00:00Z");
  ASSERT_TRUE(ParseTimePeriod("2025Z", &start, &end));
  EXPECT_EQ(FormatRFC3339Nano(start), "2025-01-01T00:00:00Z");
  for (const char* bad : {"", "202", "20255", "2025-4", "2025-13", "2025-04-31", "2025-04-25T", "2025-04-25T1",
                          "2025-04-25T10:2", "2025-04-25T10:20:30.", "2025-04-25T10:20X", "x2025"}) {
    EXPECT_FALSE(ParseTimePeriod(bad, &start, &end)) << bad;
  }
}

TEST(TimeUtil, ParseTimeArg) {
  const int64_t now = kT0;
  int64_t ns = 0;
  ASSERT_TRUE(ParseTimeArg("now", now, &ns));
  EXPECT_EQ(ns, now);
  ASSERT_TRUE(ParseTimeArg("5m", now, &ns));
  EXPECT_EQ(ns, now - 300 * S);
  ASSERT_TRUE(ParseTimeArg("-5m", now, &ns));
  EXPECT_EQ(ns, now - 300 * S);
  ASSERT_TRUE(ParseTimeArg("now-1h", now, &ns));
  EXPECT_EQ(ns, now - 3600 * S);
  ASSERT_TRUE(ParseTimeArg("1h30m", now, &ns));
  EXPECT_EQ(ns, now - 5400 * S);
  ASSERT_TRUE(ParseTimeArg("1735787045.5", now, &ns));
  EXPECT_EQ(ns, kT0 + S / 2);
  ASSERT_TRUE(ParseTimeArg("1735787045", now, &ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(ParseTimeArg("1735787045123", now, &ns));
  EXPECT_EQ(ns, kT0 + 123000000);
  ASSERT_TRUE(ParseTimeArg("1.735787045e9", now, &ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(ParseTimeArg("2025", now, &ns));
  EXPECT_EQ(FormatRFC3339Nano(ns), "2025-01-01T00:00:00Z");
  ASSERT_TRUE(ParseTimeArg("2025-04-25", now, &ns));
  EXPECT_EQ(FormatRFC3339Nano(ns), "2025-04-25T00:00:00Z");
  ASSERT_TRUE(ParseTimeArg("2025-01-02T03:04:05Z", now, &ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(ParseTimeArg("2025-01-02T08:34:05.5+05:30", now, &ns));
  EXPECT_EQ(ns, kT0 + S / 2);
  for (const char* bad : {"", "nowx", "now-", "now-5", "abc", "2025-13", "5q"}) {
    EXPECT_FALSE(ParseTimeArg(bad, now, &ns)) << bad;
  }
}

TEST(TimeUtil, ParseRetention) {
  int64_t ns = 0;
  ASSERT_TRUE(ParseRetention("1", &ns));
  EXPECT_EQ(ns, 31LL * 86400 * S);
  ASSERT_TRUE(ParseRetention("7d", &ns));
  EXPECT_EQ(ns, 7LL * 86400 * S);
  ASSERT_TRUE(ParseRetention("24h", &ns));
  EXPECT_EQ(ns, 86400LL * S);
  ASSERT_TRUE(ParseRetention("2w", &ns));
  EXPECT_EQ(ns, 14LL * 86400 * S);
  ASSERT_TRUE(ParseRetention("1y", &ns));
  EXPECT_EQ(ns, 365LL * 86400 * S);
  for (const char* bad : {"", "0", "-1", "-1d", "x", "1q"}) EXPECT_FALSE(ParseRetention(bad, &ns)) << bad;
}

TEST(TimeUtil, NowNanos) {
  int64_t a = NowNanos();
  EXPECT_GT(a, 1700000000LL * S);
  EXPECT_LE(a, NowNanos());
}

}  // namespace
}  // namespace vl
