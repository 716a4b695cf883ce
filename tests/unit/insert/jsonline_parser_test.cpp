#include "vl/insert/jsonline_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"
#include "vl/common/time_util.h"

namespace vl::insert {
namespace {

using testing::Get;
using testing::ParamsFromArgs;

std::vector<LogRow> ParseAll(JsonLineParser& p, testing::CollectingWriter& w, std::string_view body, size_t chunk = 0) {
  if (chunk == 0) chunk = body.size() + 1;
  for (size_t off = 0; off < body.size(); off += chunk) EXPECT_TRUE(p.Feed(body.substr(off, chunk)).ok());
  EXPECT_TRUE(p.Finish().ok());
  return w.Take();
}

TEST(JsonLineParser, Basic) {
  const std::string body =
      "{\"_msg\":\"hello\",\"_time\":\"2025-01-02T03:04:05Z\",\"a\":{\"b\":1}}\r\n"
      "\n"
      "   \n"
      "{\"_msg\":\"world\",\"n\":1.50,\"arr\":[1,2],\"ok\":true,\"nil\":null}";
  for (size_t chunk : {0, 1, 2, 3, 7, 64}) {
    testing::CollectingWriter w;
    JsonLineParser p(CommonParams{}, &w);
    auto rows = ParseAll(p, w, body, chunk);
    ASSERT_EQ(rows.size(), 2u) << chunk;
    EXPECT_EQ(Get(rows[0], "_msg"), "hello");
    EXPECT_EQ(rows[0].timestamp, 1735787045LL * kNanosPerSecond);
    EXPECT_EQ(Get(rows[0], "a.b"), "1");
    EXPECT_EQ(Get(rows[1], "_msg"), "world");
    EXPECT_EQ(Get(rows[1], "n"), "1.50");
    EXPECT_EQ(Get(rows[1], "arr"), "[1,2]");
    EXPECT_EQ(Get(rows[1], "ok"), "true");
    EXPECT_EQ(Get(rows[1], "nil"), "<absent>");
    EXPECT_EQ(p.lines_ok(), 2u);
    EXPECT_EQ(p.lines_failed(), 0u);
  }
}

TEST(JsonLineParser, MissingTimeIsNow) {
  testing::CollectingWriter w;
  JsonLineParser p(CommonParams{}, &w);
  int64_t before = NowNanos();
  auto rows = ParseAll(p, w, "{\"_msg\":\"x\"}\n");
  int64_t after = NowNanos();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GE(rows[0].timestamp, before);
  EXPECT_LE(rows[0].timestamp, after);
}

TEST(JsonLineParser, BadLineInTheMiddle) {
  testing::CollectingWriter w;
  JsonLineParser p(ParamsFromArgs({{"_msg_field", "message"}}), &w);
  auto rows = ParseAll(p, w,
                       "{\"message\":\"one\"}\n"
                       "{\"message\":\"two\"\n"  // unterminated object
                       "[1,2,3]\n"
                       "{\"message\":\"three\",\"_time\":\"bad time\"}\n"
                       "{\"message\":\"four\"}\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(Get(rows[0], "_msg"), "one");
  EXPECT_EQ(Get(rows[1], "_msg"), "four");
  EXPECT_EQ(p.lines_ok(), 2u);
  EXPECT_EQ(p.lines_failed(), 3u);
  auto errors = p.TakeErrors();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].line_number, 2u);
  EXPECT_EQ(errors[1].line_number, 3u);
  EXPECT_NE(errors[1].reason.find("object"), std::string::npos);
  EXPECT_EQ(errors[2].line_number, 4u);
  EXPECT_NE(errors[2].reason.find("bad time"), std::string::npos);
  EXPECT_EQ(p.last_error().line_number, 4u);
  EXPECT_TRUE(p.TakeErrors().empty());
}

// An entry over a limit is dropped and counted, not a line error: its neighbours are stored.
TEST(JsonLineParser, EntriesOverLimitsAreDropped) {
  JsonLineParserOptions opts;
  opts.row_options.max_fields = 3;
  testing::CollectingWriter w;
  JsonLineParser p(CommonParams{}, &w, opts);
  std::string long_name(200, 'k');
  auto rows = ParseAll(p, w,
                       "{\"_msg\":\"one\"}\n"
                       "{\"_msg\":\"x\",\"a\":1,\"b\":2,\"c\":3}\n"
                       "{\"_msg\":\"two\"}\n"
                       "{\"_msg\":\"y\",\"" + long_name + "\":1}\n"
                       "{\"_msg\":\"three\"}\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Get(rows[2], "_msg"), "three");
  EXPECT_EQ(p.lines_ok(), 3u);
  EXPECT_EQ(p.lines_failed(), 0u);
  EXPECT_EQ(p.rows_dropped(), 2u);
  EXPECT_TRUE(p.TakeErrors().empty());
}

TEST(JsonLineParser, TooLongLineSkipped) {
  JsonLineParserOptions opts;
  opts.max_line_size = 64;
  const std::string long_line = "{\"_msg\":\"" + std::string(200, 'x') + "\"}";
  const std::string exact = "{\"_msg\":\"" + std::string(64 - 11, 'y') + "\"}";  // exactly 64 bytes
  ASSERT_EQ(exact.size(), 64u);
  const std::string body = "{\"_msg\":\"a\"}\n" + long_line + "\n" + exact + "\r\n{\"_msg\":\"b\"}\n" + long_line;
  for (size_t chunk : {0, 1, 5, 30, 100}) {
    testing::CollectingWriter w;
    JsonLineParser p(CommonParams{}, &w, opts);
    auto rows = ParseAll(p, w, body, chunk);
    ASSERT_EQ(rows.size(), 3u) << chunk;
    EXPECT_EQ(Get(rows[0], "_msg"), "a");
    EXPECT_EQ(Get(rows[1], "_msg"), std::string(53, 'y'));
    EXPECT_EQ(Get(rows[2], "_msg"), "b");
    EXPECT_EQ(p.too_long_lines(), 2u) << chunk;
    EXPECT_EQ(p.lines_failed(), 0u);
  }
}

TEST(JsonLineParser, LineNumbersAfterSkippedLines) {
  JsonLineParserOptions opts;
  opts.max_line_size = 16;
  testing::CollectingWriter w;
  JsonLineParser p(CommonParams{}, &w, opts);
  ParseAll(p, w, "{\"_msg\":\"a very long line indeed\"}\n\nnot json\n", 4);
  auto errors = p.TakeErrors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line_number, 3u);
}

TEST(JsonLineParser, StreamFieldsAndDrainInBatches) {
  testing::CollectingWriter w;
  JsonLineParser p(ParamsFromArgs({{"_stream_fields", "app"}}), &w);
  std::string body;
  for (int i = 0; i < 1000; i++) {
    body += "{\"app\":\"app" + std::to_string(i % 3) + "\",\"_msg\":\"m" + std::to_string(i) + "\",\"_time\":" +
            std::to_string(1700000000000LL + i) + "}\n";
  }
  size_t total = 0;
  std::vector<LogRow> all;
  for (size_t off = 0; off < body.size(); off += 4096) {
    ASSERT_TRUE(p.Feed(std::string_view(body).substr(off, 4096)).ok());
    auto rows = w.Take();
    total += rows.size();
    for (auto& r : rows) all.push_back(std::move(r));
    EXPECT_EQ(w.pending_rows(), 0u);
  }
  ASSERT_TRUE(p.Finish().ok());
  total += w.Take().size();
  EXPECT_EQ(total, 1000u);
  ASSERT_EQ(all.size(), 1000u);
  EXPECT_EQ(all[0].stream_id, all[3].stream_id);
  EXPECT_NE(all[0].stream_id, all[1].stream_id);
  EXPECT_EQ(all[5].timestamp, (1700000000000LL + 5) * 1000000);
  EXPECT_EQ(Get(all[999], "_msg"), "m999");
}

TEST(JsonLineParser, UnicodeBody) {
  testing::CollectingWriter w;
  JsonLineParser p(CommonParams{}, &w);
  auto rows = ParseAll(p, w, "{\"_msg\":\"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x9A\x80\"}\n", 3);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Get(rows[0], "_msg"), "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x9A\x80");
}

}  // namespace
}  // namespace vl::insert
