// journald export-format parser (src/insert/journald_parser.cpp): text and binary fields fed in
// pieces split at every byte, the VictoriaLogs field mapping (MESSAGE, PRIORITY, `__` metadata,
// the microsecond time field), bad field names, framing errors that keep earlier entries, the
// entry size bound, the Content-Type check and random bytes.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"
#include "vl/common/time_util.h"
#include "vl/insert/protocols.h"

namespace vl::insert {
namespace {

using testing::Count;
using testing::Get;
using Map = std::map<std::string, std::string, std::less<>>;

constexpr std::string_view kType = "application/vnd.fdo.journal";

struct Request {
  Map args;
  Map headers{{"Content-Type", std::string(kType)}};
  ProtocolSettings settings;
  size_t max_line_size = 256 * 1024;
};

struct Result {
  Status status;  // the first Feed() error, else Finish()'s
  std::vector<LogRow> rows;  // stored even when the body failed
  uint64_t failed = 0, too_long = 0;
  std::vector<LineError> errors;
};

// Runs the parser over `body` fed in pieces cut at `cuts` (offsets, ascending).
Result Upload(const Request& req, std::string_view body, const std::vector<size_t>& cuts = {}) {
  Result r;
  auto params = CommonParams::Parse(testing::MapGetter(req.args), testing::MapGetter(req.headers));
  EXPECT_TRUE(params.ok());
  ParserOptions options;
  options.settings = req.settings;
  options.max_line_size = req.max_line_size;
  testing::CollectingWriter writer;
  auto parser = MakeJournaldParser(std::move(params.value()), &writer, options,
                                   RequestInfo{testing::MapGetter(req.args), testing::MapGetter(req.headers)});
  size_t off = 0;
  for (size_t i = 0; i <= cuts.size() && r.status.ok(); ++i) {
    const size_t end = i < cuts.size() ? cuts[i] : body.size();
    r.status = parser->Feed(body.substr(off, end - off));
    off = end;
  }
  if (r.status.ok()) r.status = parser->Finish();
  r.rows = writer.Take();
  r.failed = parser->records_failed();
  r.too_long = parser->too_long_lines();
  r.errors = parser->TakeErrors();
  EXPECT_EQ(parser->records_ok(), r.rows.size());
  return r;
}

// `NAME\n<size LE64><value>\n`
std::string Binary(std::string_view name, std::string_view value) {
  std::string s(name);
  s += '\n';
  uint64_t n = value.size();
  for (int i = 0; i < 8; ++i) s += static_cast<char>((n >> (8 * i)) & 0xff);
  return s.append(value) + "\n";
}

std::string TwoEntries() {
  return "__CURSOR=s=abc;i=1\n"
         "__REALTIME_TIMESTAMP=1735689600123456\n"
         "__MONOTONIC_TIMESTAMP=42\n"
         "_HOSTNAME=h1\n"
         "_MACHINE_ID=m1\n"
         "_SYSTEMD_UNIT=app.service\n"
         "PRIORITY=3\n"
         "MESSAGE=disk full\n"
         "\n" +
         Binary("MESSAGE", std::string("line one\nline two\n\0 binary", 26)) + "__REALTIME_TIMESTAMP=1735689601000000\n" +
         "_HOSTNAME=h2\n" + Binary("CUSTOM_FIELD", "") + "PRIORITY=6\n" + "\n";
}

void ExpectTwoEntries(const Result& r, const std::string& where) {
  ASSERT_TRUE(r.status.ok()) << where << ": " << r.status.message();
  ASSERT_EQ(r.rows.size(), 2u) << where;
  const LogRow& a = r.rows[0];
  EXPECT_EQ(Get(a, "_msg"), "disk full") << where;
  EXPECT_EQ(Get(a, "level"), "error") << where;
  EXPECT_EQ(Get(a, "PRIORITY"), "3") << where;
  EXPECT_EQ(Get(a, "MESSAGE"), "<absent>") << where;
  EXPECT_EQ(Get(a, "__CURSOR"), "<absent>") << where;
  EXPECT_EQ(Get(a, "__REALTIME_TIMESTAMP"), "<absent>") << where;
  EXPECT_EQ(a.timestamp, 1735689600123456000LL) << where;
  EXPECT_EQ(a.stream_tags.ToString(), "{_HOSTNAME=\"h1\",_MACHINE_ID=\"m1\",_SYSTEMD_UNIT=\"app.service\"}") << where;
  const LogRow& b = r.rows[1];
  EXPECT_EQ(Get(b, "_msg"), std::string("line one\nline two\n\0 binary", 26)) << where;
  EXPECT_EQ(Get(b, "level"), "info") << where;
  EXPECT_EQ(Get(b, "CUSTOM_FIELD"), "<absent>") << where;  // empty values are not stored
  EXPECT_EQ(b.timestamp, 1735689601LL * kNanosPerSecond) << where;
  EXPECT_EQ(b.stream_tags.ToString(), "{_HOSTNAME=\"h2\"}") << where;
}

TEST(JournaldParser, TextAndBinaryFields) { ExpectTwoEntries(Upload({}, TwoEntries()), "whole"); }

TEST(JournaldParser, EverySplitPoint) {
  const std::string body = TwoEntries();
  for (size_t cut = 0; cut <= body.size(); ++cut) {
    ExpectTwoEntries(Upload({}, body, {cut}), "cut at " + std::to_string(cut));
  }
  for (size_t cut = 1; cut < body.size(); ++cut) {  // two cuts: a piece can be one byte
    ExpectTwoEntries(Upload({}, body, {cut - 1, cut}), "cuts at " + std::to_string(cut));
  }
  std::vector<size_t> every_byte;
  for (size_t i = 1; i < body.size(); ++i) every_byte.push_back(i);
  ExpectTwoEntries(Upload({}, body, every_byte), "byte by byte");
}

TEST(JournaldParser, BinaryValueWithCustomField) {
  const std::string body = "MESSAGE=x\n" + Binary("STACK_TRACE", "a=b\n\nc\n") + "MY_FIELD=v=w\n\n";
  auto r = Upload({}, body);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Get(r.rows[0], "STACK_TRACE"), "a=b\n\nc\n");
  EXPECT_EQ(Get(r.rows[0], "MY_FIELD"), "v=w");
}

TEST(JournaldParser, LastEntryWithoutEmptyLine) {
  for (std::string_view body : {"MESSAGE=a\n\nMESSAGE=b\n", "MESSAGE=a\n\nMESSAGE=b"}) {
    auto r = Upload({}, body);
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    ASSERT_EQ(r.rows.size(), 2u) << body;
    EXPECT_EQ(Get(r.rows[1], "_msg"), "b");
  }
}

TEST(JournaldParser, BlankLinesAndEmptyBody) {
  EXPECT_TRUE(Upload({}, "").rows.empty());
  auto r = Upload({}, "\n\n\nMESSAGE=a\n\n\n\nMESSAGE=b\n\n");
  ASSERT_EQ(r.rows.size(), 2u);
  // An entry of nothing but dropped metadata stores no row (as VictoriaLogs).
  r = Upload({}, "__CURSOR=x\n__REALTIME_TIMESTAMP=1\n\n");
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.failed, 0u);
}

TEST(JournaldParser, BadFieldNamesAreSkippedNotTheEntry) {
  const std::string long_name(65, 'A');
  const std::string max_name(64, 'B');
  const std::string body = "MESSAGE=ok\nlower=1\n1DIGIT=2\nWITH-DASH=3\n=empty\n" + long_name + "=4\n" + max_name +
                           "=5\n" + Binary("bad name", "bin") + "_UNDERSCORE_9=6\n\n";
  auto r = Upload({}, body);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_EQ(r.rows.size(), 1u);
  const LogRow& row = r.rows[0];
  EXPECT_EQ(Get(row, "_msg"), "ok");
  EXPECT_EQ(Get(row, max_name), "5");
  EXPECT_EQ(Get(row, "_UNDERSCORE_9"), "6");
  EXPECT_EQ(row.fields.size(), 3u);  // _msg, the 64-byte name, _UNDERSCORE_9
  EXPECT_EQ(r.failed, 0u);
}

TEST(JournaldParser, PriorityLevels) {
  const char* want[] = {"emerg", "alert", "critical", "error", "warning", "notice", "info", "debug"};
  for (int p = 0; p < 8; ++p) {
    auto r = Upload({}, "MESSAGE=m\nPRIORITY=" + std::to_string(p) + "\n\n");
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(Get(r.rows[0], "level"), want[p]);
  }
  auto r = Upload({}, "MESSAGE=m\nPRIORITY=12\n\n");
  EXPECT_EQ(Get(r.rows[0], "level"), "12");
}

TEST(JournaldParser, EntryMetadataKeptWhenAsked) {
  Request req;
  req.settings.journald_include_entry_metadata = true;
  auto r = Upload(req, "__CURSOR=c1\n__MONOTONIC_TIMESTAMP=7\n__REALTIME_TIMESTAMP=1000000\nMESSAGE=m\n\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Get(r.rows[0], "__CURSOR"), "c1");
  EXPECT_EQ(Get(r.rows[0], "__MONOTONIC_TIMESTAMP"), "7");
  EXPECT_EQ(Get(r.rows[0], "__REALTIME_TIMESTAMP"), "<absent>");  // the time field is consumed
  EXPECT_EQ(r.rows[0].timestamp, kNanosPerSecond);
}

TEST(JournaldParser, TimeField) {
  const std::string body = "__REALTIME_TIMESTAMP=1000000\n_SOURCE_REALTIME_TIMESTAMP=2000000\nMESSAGE=m\n\n";
  auto r = Upload({}, body);
  EXPECT_EQ(r.rows.at(0).timestamp, 1 * kNanosPerSecond);
  EXPECT_EQ(Get(r.rows[0], "_SOURCE_REALTIME_TIMESTAMP"), "2000000");

  Request flag;
  flag.settings.journald_time_field = "_SOURCE_REALTIME_TIMESTAMP";
  r = Upload(flag, body);
  EXPECT_EQ(r.rows.at(0).timestamp, 2 * kNanosPerSecond);

  Request arg;  // the request's _time_field wins over the flag
  arg.args = {{"_time_field", "_SOURCE_REALTIME_TIMESTAMP"}};
  r = Upload(arg, body);
  EXPECT_EQ(r.rows.at(0).timestamp, 2 * kNanosPerSecond);
  EXPECT_EQ(Get(r.rows[0], "_SOURCE_REALTIME_TIMESTAMP"), "<absent>");
  EXPECT_EQ(Get(r.rows[0], "__REALTIME_TIMESTAMP"), "<absent>");  // still metadata
}

TEST(JournaldParser, BadOrMissingTimeIsNow) {
  for (std::string_view t : {"__REALTIME_TIMESTAMP=soon\n", "__REALTIME_TIMESTAMP=12x\n",
                             "__REALTIME_TIMESTAMP=99999999999999999999\n", "__REALTIME_TIMESTAMP=0\n", ""}) {
    const int64_t before = NowNanos();
    auto r = Upload({}, std::string(t) + "MESSAGE=m\n\n");
    ASSERT_TRUE(r.status.ok());
    ASSERT_EQ(r.rows.size(), 1u) << t;
    EXPECT_GE(r.rows[0].timestamp, before) << t;
    EXPECT_LE(r.rows[0].timestamp, NowNanos()) << t;
    EXPECT_EQ(r.failed, 0u);  // stored, only logged
  }
}

TEST(JournaldParser, MsgFieldIsAlwaysMessage) {
  Request req;
  req.args = {{"_msg_field", "OTHER"}};
  auto r = Upload(req, "MESSAGE=m\nOTHER=o\n\n");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(Get(r.rows[0], "_msg"), "m");
  EXPECT_EQ(Get(r.rows[0], "OTHER"), "o");
}

TEST(JournaldParser, StreamIgnoreAndTenantSettings) {
  const std::string body = "MESSAGE=m\n_HOSTNAME=h\nAPP=a\nNOISE=n\n\n";
  Request req;
  req.settings.journald_stream_fields = {"APP"};
  req.settings.journald_ignore_fields = {"NOI*"};
  req.settings.journald_tenant = TenantID{7, 8};
  auto r = Upload(req, body);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].stream_tags.ToString(), "{APP=\"a\"}");
  EXPECT_EQ(Get(r.rows[0], "NOISE"), "<absent>");
  EXPECT_EQ(r.rows[0].tenant, (TenantID{7, 8}));

  // The request's own parameters win.
  req.args = {{"_stream_fields", "_HOSTNAME"}, {"ignore_fields", "APP"}};
  req.headers["AccountID"] = "3";
  r = Upload(req, body);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].stream_tags.ToString(), "{_HOSTNAME=\"h\"}");
  EXPECT_EQ(Get(r.rows[0], "APP"), "<absent>");
  EXPECT_EQ(Get(r.rows[0], "NOISE"), "n");
  EXPECT_EQ(r.rows[0].tenant, (TenantID{3, 0}));
}

TEST(JournaldParser, FramingErrorsKeepEarlierEntries) {
  const std::string good = "MESSAGE=first\n\n";
  const std::string bin = Binary("MESSAGE", "0123456789");
  struct Case {
    std::string tail;
    std::string_view want;
  } cases[] = {
      {bin.substr(0, bin.size() - 4), "ends inside binary field \"MESSAGE\" (7 bytes"},  // value cut short
      {bin.substr(0, 12), "ends inside binary field \"MESSAGE\" (0 bytes"},              // size cut short
      {"MESSAGE", "ends inside binary field \"MESSAGE\""},                                 // `NAME` at EOF
      {bin.substr(0, bin.size() - 1), "ends inside binary field"},                        // no final newline
      {bin.substr(0, bin.size() - 1) + "X\n\n", "not followed by a newline"},             // size too small
  };
  for (const Case& c : cases) {
    for (size_t cut : {size_t{0}, good.size() + 3, good.size() + c.tail.size() - 1}) {
      auto r = Upload({}, good + c.tail, {cut});
      EXPECT_FALSE(r.status.ok()) << c.want;
      EXPECT_NE(r.status.message().find(c.want), std::string::npos) << r.status.message();
      EXPECT_NE(r.status.message().find("entry 2"), std::string::npos) << r.status.message();
      ASSERT_EQ(r.rows.size(), 1u) << c.want;
      EXPECT_EQ(Get(r.rows[0], "_msg"), "first");
    }
  }
}

TEST(JournaldParser, HugeAnnouncedSizeIsNotBuffered) {
  // 2^60 bytes announced: the entry is skipped, framing then fails at the end of the body.
  std::string huge = "MESSAGE\n";
  for (int i = 0; i < 8; ++i) huge += static_cast<char>(i == 7 ? 0x10 : 0);
  auto r = Upload({}, "MESSAGE=a\n\n" + huge + std::string(1000, 'x'));
  EXPECT_FALSE(r.status.ok());
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.too_long, 1u);
}

TEST(JournaldParser, EntriesBiggerThanMaxLineSizeAreSkipped) {
  Request req;
  req.max_line_size = 100;
  const std::string big(150, 'x');
  const std::string body = "MESSAGE=a\n\n"                                       // kept
                           "MESSAGE=" + big + "\nB=1\n\n" +                      // long text line
                           Binary("MESSAGE", big) + "B=2\n\n" +                  // long binary value
                           "F1=" + std::string(60, 'y') + "\nF2=" + std::string(60, 'z') + "\n\n"  // sum
                           "MESSAGE=b\n\n";                                      // kept
  for (size_t cut : {size_t{0}, size_t{20}, size_t{70}, size_t{200}}) {
    auto r = Upload(req, body, {cut});
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    ASSERT_EQ(r.rows.size(), 2u) << cut;
    EXPECT_EQ(Get(r.rows[0], "_msg"), "a");
    EXPECT_EQ(Get(r.rows[1], "_msg"), "b");
    EXPECT_EQ(r.too_long, 3u);
    EXPECT_EQ(r.failed, 3u);
    ASSERT_EQ(r.errors.size(), 3u);
    EXPECT_EQ(r.errors[0].line_number, 2u);
    EXPECT_EQ(r.errors[2].line_number, 4u);
    EXPECT_NE(r.errors[1].reason.find("-insert.maxLineSizeBytes=100"), std::string::npos) << r.errors[1].reason;
  }
}

TEST(JournaldParser, ContentTypeIsRequired) {
  for (std::string_view type : {"", "text/plain", "application/json"}) {
    Request req;
    req.headers["Content-Type"] = std::string(type);
    auto r = Upload(req, "MESSAGE=a\n\n");
    EXPECT_FALSE(r.status.ok());
    EXPECT_NE(r.status.message().find("application/vnd.fdo.journal"), std::string::npos);
    EXPECT_TRUE(r.rows.empty());
    EXPECT_FALSE(Upload(req, "").status.ok());  // also with no body at all
  }
  Request req;
  req.headers["Content-Type"] = "application/vnd.fdo.journal; charset=utf-8";
  EXPECT_EQ(Upload(req, "MESSAGE=a\n\n").rows.size(), 1u);
}

TEST(JournaldParser, RandomBytesNeverCrash) {
  std::mt19937 rng(42);
  const std::string alphabet = "AB_=\n\n\n\x00\x01\xff" "MESSAGE";
  Request req;
  req.max_line_size = 64;
  const auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::off);  // thousands of bad-name lines
  for (int i = 0; i < 3000; ++i) {
    std::string body;
    const size_t len = rng() % 200;
    for (size_t j = 0; j < len; ++j) {
      body += (i % 2) ? static_cast<char>(rng()) : alphabet[rng() % (alphabet.size() + 1)];
    }
    std::vector<size_t> cuts;
    for (size_t off = rng() % 17; off < body.size(); off += 1 + rng() % 17) cuts.push_back(off);
    Upload(req, body, cuts);  // any status; no crash, no sanitizer report
  }
  spdlog::set_level(level);
}

}  // namespace
}  // namespace vl::insert
