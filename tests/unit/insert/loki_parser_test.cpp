#include <gtest/gtest.h>
#include <loki_push.pb.h>

#include "test_util.h"
#include "vl/insert/loki_labels.h"
#include "vl/insert/protocols.h"

namespace vl::insert {
namespace {

using testing::CollectingWriter;
using testing::Get;
using testing::MapGetter;

using Labels = std::vector<std::pair<std::string, std::string>>;

TEST(LokiLabelsTest, PrometheusSyntaxWithEscapes) {
  Labels out;
  ASSERT_TRUE(ParseLokiLabels(R"( { job="api", path="C:\\x", q="say \"hi\"\n", u="\u00e9", } )", &out).ok());
  EXPECT_EQ(out, (Labels{{"job", "api"}, {"path", "C:\\x"}, {"q", "say \"hi\"\n"}, {"u", "\xc3\xa9"}}));
  out.clear();
  ASSERT_TRUE(ParseLokiLabels("{}", &out).ok());
  ASSERT_TRUE(ParseLokiLabels("", &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(LokiLabelsTest, BadSyntaxNamesThePosition) {
  Labels out;
  for (const char* bad : {"job=\"a\"}", "{job=a}", "{job=\"a\"", "{=\"a\"}", "{a=\"x\" b=\"y\"}", "{a=\"\\q\"}",
                          "{a=\"x\"} tail"}) {
    Status s = ParseLokiLabels(bad, &out);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("at byte"), std::string::npos) << s.message();
  }
}

struct Pushed {
  Status status;
  std::vector<LogRow> rows;
};

Pushed Push(std::string_view body, std::map<std::string, std::string, std::less<>> headers,
            std::map<std::string, std::string, std::less<>> args = {}) {
  CollectingWriter writer;
  ParserOptions options;
  auto params = CommonParams::Parse(MapGetter(args), MapGetter(headers));
  EXPECT_TRUE(params.ok());
  auto parser = MakeLokiParser(*params, &writer, options, RequestInfo{MapGetter(args), MapGetter(headers)});
  Status s = parser->Feed(body);
  if (s.ok()) s = parser->Finish();
  return {s, writer.Take()};
}

TEST(LokiParserTest, ProtobufLabelsAreTheStreamAndMetadataKept) {
  proto::loki::PushRequest req;
  auto* stream = req.add_streams();
  stream->set_labels(R"({app="web", env="prod"})");
  auto* e = stream->add_entries();
  e->mutable_timestamp()->set_seconds(1735689600);
  e->mutable_timestamp()->set_nanos(5);
  e->set_line("GET / 200");
  auto* m = e->add_structured_metadata();
  m->set_name("trace_id");
  m->set_value("t1");
  stream->add_entries()->set_line("no time");
  auto got = Push(req.SerializeAsString(), {{"Content-Type", "application/x-protobuf"}});
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(got.rows[0].timestamp, 1735689600000000005);
  EXPECT_EQ(Get(got.rows[0], "_msg"), "GET / 200");
  EXPECT_EQ(Get(got.rows[0], "trace_id"), "t1");
  EXPECT_EQ(Get(got.rows[0], "app"), "web");
  EXPECT_EQ(got.rows[0].stream_tags.ToString(), "{app=\"web\",env=\"prod\"}");
  EXPECT_GT(got.rows[1].timestamp, 1'700'000'000'000'000'000);
}

TEST(LokiParserTest, JsonLinesUnpackedUnlessDisabled) {
  const std::string body =
      R"({"streams":[{"stream":{"app":"x"},"values":[["0","{\"message\":\"hi\",\"n\":1}"],["","{broken"]]}]})";
  auto got = Push(body, {{"Content-Type", "application/json"}}, {{"_msg_field", "message"}});
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 2u);
  EXPECT_EQ(Get(got.rows[0], "_msg"), "hi");
  EXPECT_EQ(Get(got.rows[0], "n"), "1");
  EXPECT_EQ(Get(got.rows[1], "_msg"), "{broken");
  got = Push(body, {{"Content-Type", "application/json"}, {"VL-Loki-Disable-Message-Parsing", "1"}});
  ASSERT_TRUE(got.status.ok());
  EXPECT_EQ(Get(got.rows[0], "_msg"), R"({"message":"hi","n":1})");
  got = Push(body, {{"Content-Type", "application/json"}}, {{"disable_message_parsing", "maybe"}});
  EXPECT_FALSE(got.status.ok());
}

TEST(LokiParserTest, TenantFromOrgIdAndErrorsNameTheEntry) {
  const std::string body = R"({"streams":[{"stream":{"a":"b"},"values":[["1","ok"],["1"]]}]})";
  auto got = Push(body, {{"Content-Type", "application/json"}, {"X-Scope-OrgID", "4:5"}});
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("stream 1, entry 2"), std::string::npos) << got.status.message();
  ASSERT_EQ(got.rows.size(), 1u);  // the entry before the error is kept
  EXPECT_EQ(got.rows[0].tenant, (TenantID{4, 5}));
  got = Push(R"({"streams":[]})", {{"Content-Type", "application/json"}, {"X-Scope-OrgID", "abc"}});
  EXPECT_FALSE(got.status.ok());
}

TEST(LokiParserTest, TruncatedAndRandomProtobufNeverCrash) {
  proto::loki::PushRequest req;
  auto* stream = req.add_streams();
  stream->set_labels(R"({a="b"})");
  for (int i = 0; i < 20; ++i) stream->add_entries()->set_line("line " + std::to_string(i));
  const std::string wire = req.SerializeAsString();
  for (size_t cut = 0; cut < wire.size(); ++cut) {
    Push(wire.substr(0, cut), {{"Content-Type", "application/x-protobuf"}});
  }
  uint64_t x = 7;
  std::string junk;
  for (int i = 0; i < 4096; ++i) {
    x = x * 6364136223846793005ULL + 1;
    junk.push_back(static_cast<char>(x >> 56));
  }
  Push(junk, {{"Content-Type", "application/x-protobuf"}});
}

}  // namespace
}  // namespace vl::insert

namespace vl::insert {
namespace {

TEST(LokiParserTest, OutOfRangeProtobufTimestampIsAnError) {
  proto::loki::PushRequest req;
  auto* e = req.add_streams()->add_entries();
  e->mutable_timestamp()->set_seconds(22673655170);
  e->set_line("far future");
  auto got = Push(req.SerializeAsString(), {{"Content-Type", "application/x-protobuf"}});
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("out of range"), std::string::npos) << got.status.message();
}

}  // namespace
}  // namespace vl::insert
