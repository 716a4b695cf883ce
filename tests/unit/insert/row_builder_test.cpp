#include "vl/insert/row_builder.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "vl/common/time_util.h"

namespace vl::insert {
namespace {

using testing::Count;
using testing::Get;
using testing::ParamsFromArgs;

constexpr int64_t kNow = 1700000000LL * kNanosPerSecond;

LogRow BuildOk(const CommonParams& params, std::vector<Field> fields) {
  RowBuilder b(params);
  LogRow row;
  Status st = testing::BuildRow(b, std::move(fields), kNow, &row);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return row;
}

TEST(RowBuilder, DefaultsAndDrops) {
  LogRow row = BuildOk(CommonParams{}, {{"a", "1"}, {"empty", ""}, {"_stream", "x"}, {"_stream_id", "y"}});
  EXPECT_EQ(row.timestamp, kNow);
  EXPECT_EQ(Get(row, "a"), "1");
  EXPECT_EQ(Get(row, "empty"), "<absent>");
  EXPECT_EQ(Get(row, "_stream"), "<absent>");
  EXPECT_EQ(Get(row, "_stream_id"), "<absent>");
  EXPECT_EQ(Get(row, "_msg"), kDefaultMsgValue);
  EXPECT_TRUE(row.stream_tags.empty());
  EXPECT_EQ(row.stream_id, StreamID::Compute(TenantID{}, StreamTags{}));
}

TEST(RowBuilder, EmptyNameIsMsg) {
  LogRow row = BuildOk(CommonParams{}, {{"", "hello"}});
  EXPECT_EQ(Get(row, "_msg"), "hello");
  EXPECT_EQ(row.fields.size(), 1u);
}

TEST(RowBuilder, MsgFieldList) {
  auto params = ParamsFromArgs({{"_msg_field", "message,log"}});
  LogRow row = BuildOk(params, {{"log", "from log"}, {"message", ""}, {"x", "y"}});
  EXPECT_EQ(Get(row, "_msg"), "from log");
  EXPECT_EQ(Get(row, "log"), "<absent>");
  row = BuildOk(params, {{"log", "from log"}, {"message", "from message"}, {"_msg", "orig"}});
  EXPECT_EQ(Get(row, "_msg"), "from message");
  EXPECT_EQ(Count(row, "_msg"), 1u);
  EXPECT_EQ(Get(row, "log"), "from log");
  row = BuildOk(params, {{"_msg", "orig"}});
  EXPECT_EQ(Get(row, "_msg"), "orig");
  row = BuildOk(params, {{"other", "x"}});
  EXPECT_EQ(Get(row, "_msg"), kDefaultMsgValue);
}

TEST(RowBuilder, TimeFieldVariants) {
  const int64_t t = 1735787045LL * kNanosPerSecond;  // 2025-01-02T03:04:05Z
  struct Case {
    const char* value;
    int64_t want;
  } cases[] = {
      {"2025-01-02T03:04:05Z", t},
      {"2025-01-02T03:04:05.123456789Z", t + 123456789},
      {"2025-01-02T08:34:05+05:30", t},
      {"2025-01-02 03:04:05", t},
      {"1735787045", t},
      {"1735787045.5", t + 500000000},
      {"1735787045123", t + 123000000},
      {"1735787045123456", t + 123456000},
      {"1735787045123456789", t + 123456789},
      {"", kNow},
      {"0", kNow},
      {"-", kNow},
  };
  for (const auto& c : cases) {
    LogRow row = BuildOk(CommonParams{}, {{"_time", c.value}, {"_msg", "m"}});
    EXPECT_EQ(row.timestamp, c.want) << c.value;
    EXPECT_EQ(Get(row, "_time"), "<absent>");
  }
  // Custom list: the first present one is used and removed, others stay.
  auto params = ParamsFromArgs({{"_time_field", "ts,@timestamp"}});
  LogRow row = BuildOk(params, {{"@timestamp", "1735787045"}, {"_msg", "m"}});
  EXPECT_EQ(row.timestamp, t);
  EXPECT_EQ(Get(row, "@timestamp"), "<absent>");
  row = BuildOk(params, {{"@timestamp", "1"}, {"ts", "1735787045"}});
  EXPECT_EQ(row.timestamp, t);
  EXPECT_EQ(Get(row, "@timestamp"), "1");
  row = BuildOk(params, {{"x", "1"}});
  EXPECT_EQ(row.timestamp, kNow);
  // Unparsable → error.
  RowBuilder b(CommonParams{});
  LogRow bad;
  Status st = testing::BuildRow(b, {{"_time", "yesterday"}}, kNow, &bad);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("yesterday"), std::string::npos);
}

TEST(RowBuilder, IgnoreFieldsWildcards) {
  auto params = ParamsFromArgs({{"ignore_fields", "secret*,drop,kubernetes.pod.*"}, {"_stream_fields", "app,drop"}});
  LogRow row = BuildOk(params, {{"secret", "1"},
                                {"secret_key", "2"},
                                {"drop", "3"},
                                {"dropx", "4"},
                                {"kubernetes.pod.name", "5"},
                                {"kubernetes.node", "6"},
                                {"app", "a"}});
  EXPECT_EQ(Get(row, "secret"), "<absent>");
  EXPECT_EQ(Get(row, "secret_key"), "<absent>");
  EXPECT_EQ(Get(row, "drop"), "<absent>");
  EXPECT_EQ(Get(row, "dropx"), "4");
  EXPECT_EQ(Get(row, "kubernetes.pod.name"), "<absent>");
  EXPECT_EQ(Get(row, "kubernetes.node"), "6");
  EXPECT_EQ(row.stream_tags.ToString(), "{app=\"a\"}");
}

TEST(RowBuilder, ExtraFieldsOverride) {
  auto params = ParamsFromArgs({{"extra_fields", "env=prod,app=forced"}, {"_stream_fields", "app,env"}});
  LogRow row = BuildOk(params, {{"app", "original"}, {"x", "1"}, {"env", "dev"}});
  EXPECT_EQ(Get(row, "app"), "forced");
  EXPECT_EQ(Count(row, "app"), 1u);
  EXPECT_EQ(Get(row, "env"), "prod");
  EXPECT_EQ(Count(row, "env"), 1u);
  EXPECT_EQ(Get(row, "x"), "1");
  EXPECT_EQ(row.stream_tags.ToString(), "{app=\"forced\",env=\"prod\"}");
}

TEST(RowBuilder, StreamFieldsStreamID) {
  auto params = ParamsFromArgs({{"_stream_fields", "host,app"}});
  LogRow r1 = BuildOk(params, {{"app", "api"}, {"host", "h1"}, {"_msg", "one"}, {"x", "1"}});
  LogRow r2 = BuildOk(params, {{"host", "h1"}, {"_msg", "two"}, {"app", "api"}, {"y", "2"}});
  LogRow r3 = BuildOk(params, {{"host", "h2"}, {"_msg", "three"}, {"app", "api"}});
  LogRow r4 = BuildOk(params, {{"_msg", "no labels"}});
  EXPECT_EQ(r1.stream_tags, r2.stream_tags);
  EXPECT_EQ(r1.stream_id, r2.stream_id);
  EXPECT_NE(r1.stream_id, r3.stream_id);
  EXPECT_EQ(r1.stream_tags.ToString(), "{app=\"api\",host=\"h1\"}");
  EXPECT_EQ(r1.stream_id, StreamID::Compute(TenantID{}, r1.stream_tags));
  EXPECT_TRUE(r4.stream_tags.empty());
  // Stream fields stay regular fields too.
  EXPECT_EQ(Get(r1, "host"), "h1");
  // Tenant is part of the id.
  auto tparams = CommonParams::Parse(testing::MapGetter({{"_stream_fields", "host,app"}}),
                                     testing::MapGetter({{"AccountID", "7"}}));
  ASSERT_TRUE(tparams.ok());
  LogRow r5 = BuildOk(*tparams, {{"app", "api"}, {"host", "h1"}});
  EXPECT_EQ(r5.tenant.account_id, 7u);
  EXPECT_EQ(r5.stream_tags, r1.stream_tags);
  EXPECT_NE(r5.stream_id, r1.stream_id);
}

TEST(RowBuilder, LimitsAndDecolorize) {
  RowBuilderOptions opts;
  opts.max_fields = 3;
  RowBuilder b(CommonParams{}, opts);
  LogRow row;
  EXPECT_FALSE(testing::BuildRow(b, {{"a", "1"}, {"b", "2"}, {"c", "3"}}, kNow, &row).ok());  // + default _msg = 4
  EXPECT_TRUE(testing::BuildRow(b, {{"a", "1"}, {"_msg", "2"}}, kNow, &row).ok());
  RowBuilder b2(CommonParams{});
  EXPECT_FALSE(testing::BuildRow(b2, {{std::string(129, 'n'), "1"}}, kNow, &row).ok());
  auto params = ParamsFromArgs({{"decolorize_fields", "_msg"}});
  row = BuildOk(params, {{"_msg", "\x1b[31mred\x1b[0m text"}, {"other", "\x1b[1mbold"}});
  EXPECT_EQ(Get(row, "_msg"), "red text");
  EXPECT_EQ(Get(row, "other"), "\x1b[1mbold");
}

TEST(RowBuilder, LimitViolationsAreNamed) {
  RowBuilderOptions opts;
  opts.max_fields = 3;
  opts.max_row_bytes = 1000;
  RowBuilder b(CommonParams{}, opts);
  LogRow row;
  RowLimit limit = RowLimit::kNone;
  EXPECT_FALSE(testing::BuildRow(b, {{"a", "1"}, {"b", "2"}, {"c", "3"}}, kNow, &row, &limit).ok());
  EXPECT_EQ(limit, RowLimit::kTooManyFields);
  EXPECT_FALSE(testing::BuildRow(b, {{std::string(129, 'n'), "1"}}, kNow, &row, &limit).ok());
  EXPECT_EQ(limit, RowLimit::kTooLongFieldName);
  EXPECT_TRUE(testing::BuildRow(b, {{std::string(128, 'n'), "1"}}, kNow, &row, &limit).ok());
  EXPECT_EQ(limit, RowLimit::kNone);
  EXPECT_FALSE(testing::BuildRow(b, {{"_msg", std::string(1000, 'x')}}, kNow, &row, &limit).ok());
  EXPECT_EQ(limit, RowLimit::kTooBigRow);
  // Not a limit: a bad timestamp.
  EXPECT_FALSE(testing::BuildRow(b, {{"_time", "yesterday"}}, kNow, &row, &limit).ok());
  EXPECT_EQ(limit, RowLimit::kNone);
  // The hard 2 MiB default.
  RowBuilder big(CommonParams{});
  EXPECT_FALSE(testing::BuildRow(big, {{"_msg", std::string(3 << 20, 'x')}}, kNow, &row, &limit).ok());
  EXPECT_EQ(limit, RowLimit::kTooBigRow);
}

}  // namespace
}  // namespace vl::insert
