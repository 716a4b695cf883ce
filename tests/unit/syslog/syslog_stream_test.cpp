#include "vl/syslog/syslog_stream.h"

#include <gtest/gtest.h>

#include "../insert/test_util.h"
#include "vl/common/time_util.h"

namespace vl::syslog {
namespace {

using insert::testing::CollectingWriter;
using insert::testing::Get;

std::vector<LogRow> Parse(const StreamOptions& opts, const std::vector<std::string_view>& chunks,
                          SyslogStream** keep = nullptr) {
  static CollectingWriter writer;
  writer.Take();
  static std::unique_ptr<SyslogStream> stream;
  stream = std::make_unique<SyslogStream>(opts, &writer);
  for (auto c : chunks) stream->Feed(c);
  stream->Finish();
  if (keep) *keep = stream.get();
  return writer.Take();
}

constexpr std::string_view k5424 =
    "<165>1 2024-03-01T10:00:00.5Z web1 nginx 1234 ID47 [req@1 id=\"7\" path=\"/a\"] GET /a 200";

TEST(SyslogStreamTest, Rfc5424FieldsTimeStreamAndMessage) {
  StreamOptions opts;
  auto rows = Parse(opts, {std::string(k5424) + "\n"});
  ASSERT_EQ(rows.size(), 1u);
  const LogRow& r = rows[0];
  EXPECT_EQ(r.timestamp, 1709287200500000000);
  EXPECT_EQ(Get(r, "_msg"), "GET /a 200");
  EXPECT_EQ(Get(r, "hostname"), "web1");
  EXPECT_EQ(Get(r, "app_name"), "nginx");
  EXPECT_EQ(Get(r, "proc_id"), "1234");
  EXPECT_EQ(Get(r, "msg_id"), "ID47");
  EXPECT_EQ(Get(r, "req@1.id"), "7");
  EXPECT_EQ(Get(r, "req@1.path"), "/a");
  EXPECT_EQ(Get(r, "level"), "notice");
  EXPECT_EQ(Get(r, "facility_keyword"), "local4");
  EXPECT_EQ(Get(r, "format"), "rfc5424");
  EXPECT_EQ(Get(r, "timestamp"), "<absent>");
  EXPECT_EQ(r.stream_tags.ToString(), "{app_name=\"nginx\",hostname=\"web1\",proc_id=\"1234\"}");
}

TEST(SyslogStreamTest, Rfc3164UsesTheConfiguredZone) {
  StreamOptions opts;
  auto tz = TimeZone::Load("Etc/GMT-3");  // POSIX sign: three hours EAST of UTC
  ASSERT_TRUE(tz.ok()) << tz.status().message();
  opts.timezone = *tz;
  auto rows = Parse(opts, {"<34>Jan  5 12:00:00 host su[77]: 'su root' failed\n"});
  ASSERT_EQ(rows.size(), 1u);
  const int64_t secs = rows[0].timestamp / kNanosPerSecond;
  EXPECT_EQ((secs % 86400) / 3600, 9) << "12:00 at UTC+3 is 09:00 UTC";
  EXPECT_EQ(Get(rows[0], "_msg"), "'su root' failed");
  EXPECT_EQ(Get(rows[0], "app_name"), "su");
  EXPECT_EQ(Get(rows[0], "proc_id"), "77");
  EXPECT_EQ(Get(rows[0], "format"), "rfc3164");
}

TEST(SyslogStreamTest, OctetCountingAndNewlineFramingMixAcrossChunkBoundaries) {
  const std::string a = "<13>1 2024-03-01T10:00:00Z h a - - - one\ntwo lines";  // counted: newline inside
  const std::string body = std::to_string(a.size()) + " " + a + "\n\n<13>1 2024-03-01T10:00:01Z h a - - - three\n" +
                           "<13>1 2024-03-01T10:00:02Z h a - - - four";  // no final newline
  for (size_t cut = 0; cut <= body.size(); ++cut) {
    StreamOptions opts;
    auto rows = Parse(opts, {std::string_view(body).substr(0, cut), std::string_view(body).substr(cut)});
    ASSERT_EQ(rows.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(Get(rows[0], "_msg"), "one\ntwo lines");
    EXPECT_EQ(Get(rows[1], "_msg"), "three");
    EXPECT_EQ(Get(rows[2], "_msg"), "four");
  }
}

TEST(SyslogStreamTest, CountedFrameEndingInNewlineDropsIt) {
  StreamOptions opts;
  const std::string m = "<13>1 - h a - - - relayed\n";
  auto rows = Parse(opts, {std::to_string(m.size()) + " " + m});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Get(rows[0], "_msg"), "relayed");
}

TEST(SyslogStreamTest, MessageStartingWithDigitsIsNotAnOctetCount) {
  StreamOptions opts;
  auto rows = Parse(opts, {"2024-03-01T10:00:00Z no pri here\n12345\r\n"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Get(rows[0], "_msg"), "2024-03-01T10:00:00Z no pri here");
  EXPECT_EQ(Get(rows[1], "_msg"), "12345");
}

TEST(SyslogStreamTest, BadTimestampSkipsOnlyThatMessage) {
  StreamOptions opts;
  SyslogStream* s = nullptr;
  auto rows = Parse(opts,
                    {"<13>1 not-a-time h a - - - bad\n<13>1 2024-03-01T10:00:00Z h a - - - good\n"}, &s);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Get(rows[0], "_msg"), "good");
  EXPECT_EQ(s->messages_bad(), 1u);
  EXPECT_NE(s->last_error().find("message 1"), std::string::npos) << s->last_error();
}

TEST(SyslogStreamTest, TooLongMessagesAreSkippedAndFramingRecovers) {
  StreamOptions opts;
  opts.max_message_bytes = 64;
  const std::string long_line(200, 'x');
  const std::string counted = "300 " + std::string(300, 'y');
  SyslogStream* s = nullptr;
  auto rows = Parse(opts, {long_line + "\n" + counted + "ok one\n", "<13>1 - h a - - - ok two\n"}, &s);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Get(rows[0], "_msg"), "ok one");
  EXPECT_EQ(Get(rows[1], "_msg"), "ok two");
  EXPECT_EQ(s->messages_too_long(), 2u);
}

TEST(SyslogStreamTest, CutOctetCountedMessageIsCountedBad) {
  StreamOptions opts;
  SyslogStream* s = nullptr;
  auto rows = Parse(opts, {"100 <13>1 - h a - - - short"}, &s);
  EXPECT_TRUE(rows.empty());
  EXPECT_EQ(s->messages_bad(), 1u);
}

TEST(SyslogStreamTest, ListenerSettingsApply) {
  StreamOptions opts;
  opts.tenant = TenantID{3, 4};
  opts.stream_fields = {"app_name"};
  opts.ignore_fields = {"msg_id", "facility*"};
  opts.decolorize_fields = {"_msg"};  // after the message → _msg rename, as in VictoriaLogs
  opts.extra_fields = {Field{"env", "prod"}};
  opts.use_local_timestamp = true;
  auto rows = Parse(opts, {"<13>1 2001-01-01T00:00:00Z h app - M1 - \x1b[31mred\x1b[0m\n"});
  ASSERT_EQ(rows.size(), 1u);
  const LogRow& r = rows[0];
  EXPECT_EQ(r.tenant, (TenantID{3, 4}));
  EXPECT_EQ(Get(r, "_msg"), "red");
  EXPECT_EQ(Get(r, "env"), "prod");
  EXPECT_EQ(Get(r, "msg_id"), "<absent>");
  EXPECT_EQ(Get(r, "facility"), "<absent>");
  EXPECT_EQ(Get(r, "facility_keyword"), "<absent>");
  EXPECT_EQ(Get(r, "timestamp"), "2001-01-01T00:00:00Z") << "kept as a field with useLocalTimestamp";
  EXPECT_GT(r.timestamp, 1'700'000'000LL * kNanosPerSecond);
  EXPECT_EQ(r.stream_tags.ToString(), "{app_name=\"app\"}");
}

TEST(SyslogStreamTest, RandomBytesNeverCrash) {
  StreamOptions opts;
  opts.max_message_bytes = 512;
  uint64_t x = 42;
  std::string junk;
  for (int i = 0; i < 200000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const char alphabet[] = "0123456789 <>[]=\"\\\n\r-:.TZabc\x1b";
    junk.push_back(alphabet[(x >> 33) % (sizeof alphabet - 1)]);
  }
  CollectingWriter writer;
  SyslogStream stream(opts, &writer);
  for (size_t i = 0; i < junk.size(); i += 777) stream.Feed(std::string_view(junk).substr(i, 777));
  stream.Finish();
  EXPECT_GT(stream.messages_ok() + stream.messages_bad() + stream.messages_too_long(), 0u);
}

}  // namespace
}  // namespace vl::syslog
