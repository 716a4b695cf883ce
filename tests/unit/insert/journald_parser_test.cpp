#include <gtest/gtest.h>

#include "test_util.h"
#include "vl/insert/protocols.h"

namespace vl::insert {
namespace {

using testing::CollectingWriter;
using testing::Get;
using testing::MapGetter;

struct Uploaded {
  Status status;
  std::vector<LogRow> rows;
  uint64_t failed = 0;
};

Uploaded Upload(const std::vector<std::string_view>& chunks, ParserOptions options = {},
                std::map<std::string, std::string, std::less<>> args = {},
                std::string content_type = "application/vnd.fdo.journal") {
  CollectingWriter writer;
  auto params = CommonParams::Parse(MapGetter(args), MapGetter({}));
  EXPECT_TRUE(params.ok());
  std::map<std::string, std::string, std::less<>> headers{{"Content-Type", content_type}};
  auto parser = MakeJournaldParser(*params, &writer, options, RequestInfo{MapGetter(args), MapGetter(headers)});
  Status s;
  for (auto c : chunks) {
    if (s.ok()) s = parser->Feed(c);
  }
  if (s.ok()) s = parser->Finish();
  return {s, writer.Take(), parser->records_failed()};
}

std::string Binary(std::string_view name, std::string_view value) {
  std::string out(name);
  out.push_back('\n');
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value.size() >> (8 * i)) & 0xff));
  out.append(value);
  out.push_back('\n');
  return out;
}

const std::string kBody = "__CURSOR=c1\n__REALTIME_TIMESTAMP=1735689601000000\n_HOSTNAME=h1\n_SYSTEMD_UNIT=a.service\n"
                          "PRIORITY=3\nMESSAGE=first\n\n" +
                          Binary("MESSAGE", "multi\nline\n\n") + "__REALTIME_TIMESTAMP=1735689602000000\nPRIORITY=9\n\n";

TEST(JournaldParserTest, EveryChunkSplitGivesTheSameEntries) {
  for (size_t cut = 0; cut <= kBody.size(); ++cut) {
    auto got = Upload({std::string_view(kBody).substr(0, cut), std::string_view(kBody).substr(cut)});
    ASSERT_TRUE(got.status.ok()) << cut << ": " << got.status.message();
    ASSERT_EQ(got.rows.size(), 2u) << cut;
    EXPECT_EQ(got.rows[0].timestamp, 1735689601000000000);
    EXPECT_EQ(Get(got.rows[0], "_msg"), "first");
    EXPECT_EQ(Get(got.rows[0], "level"), "error");
    EXPECT_EQ(Get(got.rows[0], "__CURSOR"), "<absent>");
    EXPECT_EQ(got.rows[0].stream_tags.ToString(), "{_HOSTNAME=\"h1\",_SYSTEMD_UNIT=\"a.service\"}");
    EXPECT_EQ(Get(got.rows[1], "_msg"), "multi\nline\n\n");
    EXPECT_EQ(Get(got.rows[1], "level"), "9");
  }
}

TEST(JournaldParserTest, SettingsAndTimeFieldOverride) {
  ParserOptions options;
  options.settings.journald_include_entry_metadata = true;
  options.settings.journald_tenant = TenantID{3, 0};
  auto got = Upload({"__CURSOR=c\nMY_TIME=1735689605000000\nMESSAGE=x\n\n"}, options, {{"_time_field", "MY_TIME"}});
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "__CURSOR"), "c");
  EXPECT_EQ(got.rows[0].timestamp, 1735689605000000000);
  EXPECT_EQ(got.rows[0].tenant, (TenantID{3, 0}));
}

TEST(JournaldParserTest, BadNamesSkippedBadTimeIsNow) {
  auto got = Upload({"lower=a\n9X=b\nGOOD=c\n__REALTIME_TIMESTAMP=soon\nMESSAGE=m\n\n"});
  ASSERT_TRUE(got.status.ok());
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "GOOD"), "c");
  EXPECT_EQ(Get(got.rows[0], "lower"), "<absent>");
  EXPECT_GT(got.rows[0].timestamp, 1'700'000'000'000'000'000);
}

TEST(JournaldParserTest, FramingErrorsFailAfterKeepingEarlierEntries) {
  auto got = Upload({"MESSAGE=ok\n\n" + Binary("MESSAGE", "0123456789").substr(0, 12)});
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("entry 2"), std::string::npos) << got.status.message();
  EXPECT_EQ(got.rows.size(), 1u);
  std::string wrong = Binary("MESSAGE", "abc");
  wrong.back() = 'X';
  EXPECT_FALSE(Upload({wrong}).status.ok());
}

TEST(JournaldParserTest, WrongContentTypeRefused) {
  auto got = Upload({kBody}, {}, {}, "application/json");
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("application/vnd.fdo.journal"), std::string::npos);
  EXPECT_TRUE(got.rows.empty());
}

TEST(JournaldParserTest, OversizedEntriesSkippedWithoutLosingFraming) {
  ParserOptions options;
  options.max_line_size = 64;
  auto got = Upload({"MESSAGE=" + std::string(500, 'a') + "\nOTHER=1\n\n" + Binary("MESSAGE", std::string(300, 'b')) +
                         "\nMESSAGE=after\n\n"},
                    options);
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "_msg"), "after");
  EXPECT_EQ(got.failed, 2u);
}

TEST(JournaldParserTest, RandomBytesNeverCrash) {
  uint64_t x = 3;
  std::string junk;
  for (int i = 0; i < 100000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const char alphabet[] = "AB_=\n\n\x01\x00Ma";
    junk.push_back(alphabet[(x >> 33) % (sizeof alphabet - 1)]);
  }
  for (size_t step : {1u, 7u, 4096u}) {
    std::vector<std::string_view> chunks;
    for (size_t i = 0; i < junk.size(); i += step) chunks.push_back(std::string_view(junk).substr(i, step));
    Upload(chunks);
  }
}

}  // namespace
}  // namespace vl::insert
