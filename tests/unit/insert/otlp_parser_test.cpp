#include <gtest/gtest.h>
#include <otlp_logs.pb.h>

#include <cmath>
#include <limits>

#include "test_util.h"
#include "vl/common/time_util.h"
#include "vl/insert/protocols.h"

namespace vl::insert {
namespace {

using testing::CollectingWriter;
using testing::Count;
using testing::Get;
using testing::MapGetter;
namespace otlp = proto::otlp;

using Headers = std::map<std::string, std::string, std::less<>>;

struct Pushed {
  Status status;
  std::vector<LogRow> rows;
};

Pushed Push(std::string_view body, Headers args = {}, Headers headers = {{"Content-Type", "application/x-protobuf"}}) {
  CollectingWriter writer;
  ParserOptions options;
  auto params = CommonParams::Parse(MapGetter(args), MapGetter(headers));
  EXPECT_TRUE(params.ok());
  auto parser = MakeOpenTelemetryParser(*params, &writer, options, RequestInfo{MapGetter(args), MapGetter(headers)});
  Status s = parser->Feed(body);
  if (s.ok()) s = parser->Finish();
  return {s, writer.Take()};
}

otlp::KeyValue* Attr(google::protobuf::RepeatedPtrField<otlp::KeyValue>* kvs, const std::string& key) {
  otlp::KeyValue* kv = kvs->Add();
  kv->set_key(key);
  return kv;
}

void StrAttr(google::protobuf::RepeatedPtrField<otlp::KeyValue>* kvs, const std::string& key, const std::string& v) {
  Attr(kvs, key)->mutable_value()->set_string_value(v);
}

// A request of one resource (service.name=api, nested host.{name,arch}) and one scope.
otlp::ScopeLogs* OneScope(otlp::ExportLogsServiceRequest* req) {
  otlp::ResourceLogs* rl = req->add_resource_logs();
  auto* attrs = rl->mutable_resource()->mutable_attributes();
  StrAttr(attrs, "service.name", "api");
  auto* host = Attr(attrs, "host")->mutable_value()->mutable_kvlist_value()->mutable_values();
  StrAttr(host, "name", "h1");
  Attr(host, "cpus")->mutable_value()->set_int_value(8);
  otlp::ScopeLogs* scope = rl->add_scope_logs();
  scope->mutable_scope()->set_name("my.library");
  scope->mutable_scope()->set_version("1.0");
  return scope;
}

TEST(OtlpParserTest, ResourceAttributesAreFlattenedCommonFieldsAndTheStream) {
  otlp::ExportLogsServiceRequest req;
  otlp::ScopeLogs* scope = OneScope(&req);
  otlp::LogRecord* r = scope->add_log_records();
  r->set_time_unix_nano(1735689600000000005);
  r->mutable_body()->set_string_value("GET / 200");
  StrAttr(r->mutable_attributes(), "http.method", "GET");
  scope->add_log_records()->mutable_body()->set_string_value("second");
  auto got = Push(req.SerializeAsString());
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 2u);
  const LogRow& row = got.rows[0];
  EXPECT_EQ(row.timestamp, 1735689600000000005);
  EXPECT_EQ(Get(row, "_msg"), "GET / 200");
  EXPECT_EQ(Get(row, "service.name"), "api");
  EXPECT_EQ(Get(row, "host.name"), "h1");
  EXPECT_EQ(Get(row, "host.cpus"), "8");
  EXPECT_EQ(Get(row, "http.method"), "GET");
  EXPECT_EQ(Get(row, "severity"), "Unspecified");
  EXPECT_EQ(Count(row, "trace_id"), 0u);
  EXPECT_EQ(Count(row, "span_id"), 0u);
  // Scope information is not stored.
  for (const Field& f : row.fields) EXPECT_NE(f.value, "my.library") << f.name;
  EXPECT_EQ(row.stream_tags.ToString(), R"({host.cpus="8",host.name="h1",service.name="api"})");
  EXPECT_EQ(got.rows[1].stream_id, row.stream_id);
  EXPECT_EQ(Get(got.rows[1], "service.name"), "api");
}

TEST(OtlpParserTest, StreamFieldsArgOverridesTheResource) {
  otlp::ExportLogsServiceRequest req;
  otlp::LogRecord* r = OneScope(&req)->add_log_records();
  r->mutable_body()->set_string_value("x");
  StrAttr(r->mutable_attributes(), "job", "batch");
  auto got = Push(req.SerializeAsString(), {{"_stream_fields", "job"}});
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(got.rows[0].stream_tags.ToString(), R"({job="batch"})");
  EXPECT_EQ(Get(got.rows[0], "service.name"), "api");
}

TEST(OtlpParserTest, EachResourceHasItsOwnStream) {
  otlp::ExportLogsServiceRequest req;
  for (const char* app : {"a", "b"}) {
    otlp::ResourceLogs* rl = req.add_resource_logs();
    StrAttr(rl->mutable_resource()->mutable_attributes(), "app", app);
    rl->add_scope_logs()->add_log_records()->mutable_body()->set_string_value(app);
  }
  req.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_string_value("no resource");
  auto got = Push(req.SerializeAsString());
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_EQ(got.rows[0].stream_tags.ToString(), R"({app="a"})");
  EXPECT_EQ(got.rows[1].stream_tags.ToString(), R"({app="b"})");
  EXPECT_EQ(got.rows[2].stream_tags.ToString(), "{}");
  EXPECT_EQ(Count(got.rows[2], "app"), 0u);
}

TEST(OtlpParserTest, KvlistBodyBecomesFieldsAndMsgFieldRenamesOnlyThem) {
  otlp::ExportLogsServiceRequest req;
  otlp::LogRecord* r = OneScope(&req)->add_log_records();
  auto* body = r->mutable_body()->mutable_kvlist_value()->mutable_values();
  StrAttr(body, "message", "from body");
  auto* user = Attr(body, "user")->mutable_value()->mutable_kvlist_value()->mutable_values();
  Attr(user, "id")->mutable_value()->set_int_value(42);
  StrAttr(r->mutable_attributes(), "text", "an attribute");
  auto got = Push(req.SerializeAsString(), {{"_msg_field", "text,message"}});
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "_msg"), "from body");
  EXPECT_EQ(Get(got.rows[0], "user.id"), "42");
  EXPECT_EQ(Get(got.rows[0], "text"), "an attribute");
  EXPECT_EQ(Count(got.rows[0], "message"), 0u);
  // Without _msg_field a kvlist body leaves the row without a message.
  got = Push(req.SerializeAsString());
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "message"), "from body");
  EXPECT_EQ(Get(got.rows[0], "_msg"), std::string(kDefaultMsgValue));
}

// The _msg of a body of `value`'s kind.
std::string MsgOf(const otlp::AnyValue& value) {
  otlp::ExportLogsServiceRequest req;
  *OneScope(&req)->add_log_records()->mutable_body() = value;
  auto got = Push(req.SerializeAsString());
  EXPECT_TRUE(got.status.ok()) << got.status.message();
  return got.rows.size() == 1 ? Get(got.rows[0], "_msg") : "<no row>";
}

TEST(OtlpParserTest, OtherBodyKindsAreFormattedAsVictoriaLogsDoes) {
  otlp::AnyValue v;
  v.set_int_value(-12);
  EXPECT_EQ(MsgOf(v), "-12");
  v.set_bool_value(true);
  EXPECT_EQ(MsgOf(v), "true");
  v.set_bytes_value(std::string("\x00\xff\x10hi", 5));
  EXPECT_EQ(MsgOf(v), "AP8QaGk=");
  v.set_bytes_value("ab");
  EXPECT_EQ(MsgOf(v), "YWI=");
  v.set_string_value("");
  EXPECT_EQ(MsgOf(v), std::string(kDefaultMsgValue));
  EXPECT_EQ(MsgOf(otlp::AnyValue()), std::string(kDefaultMsgValue));

  otlp::AnyValue arr;
  auto* values = arr.mutable_array_value()->mutable_values();
  values->Add()->set_string_value("a\"<'\n");
  values->Add()->set_int_value(1);
  values->Add()->set_double_value(2.5);
  values->Add()->set_bool_value(false);
  values->Add()->set_bytes_value("ab");
  values->Add();  // no value: null
  auto* kv = values->Add()->mutable_kvlist_value()->mutable_values();
  StrAttr(kv, "k", "v");
  Attr(kv, "e");  // no value: null
  values->Add()->mutable_array_value();
  EXPECT_EQ(MsgOf(arr),
            R"(["a\"\u003c\u0027\n",1,2.5,false,"YWI=",null,{"k":"v","e":null},[]])");
}

TEST(OtlpParserTest, DoublesPrintLikeJavaScript) {
  const std::pair<double, const char*> cases[] = {
      {1.5, "1.5"},
      {0, "0"},
      {-0.0, "-0"},
      {100, "100"},
      {0.1, "0.1"},
      {1e20, "100000000000000000000"},
      {1e21, "1e+21"},
      {1.25e-7, "1.25e-7"},
      {1e-6, "0.000001"},
      {1.5e-10, "1.5e-10"},
      {123456789.125, "123456789.125"},
      {std::numeric_limits<double>::quiet_NaN(), "json: unsupported value: NaN"},
      {-std::numeric_limits<double>::infinity(), "json: unsupported value: -Inf"},
  };
  for (const auto& [d, want] : cases) {
    otlp::AnyValue v;
    v.set_double_value(d);
    EXPECT_EQ(MsgOf(v), want) << d;
  }
}

TEST(OtlpParserTest, AttributesOfEveryKind) {
  otlp::ExportLogsServiceRequest req;
  otlp::LogRecord* r = OneScope(&req)->add_log_records();
  r->mutable_body()->set_string_value("m");
  auto* attrs = r->mutable_attributes();
  Attr(attrs, "n")->mutable_value()->set_int_value(7);
  Attr(attrs, "d")->mutable_value()->set_double_value(0.25);
  Attr(attrs, "ok")->mutable_value()->set_bool_value(false);
  Attr(attrs, "raw")->mutable_value()->set_bytes_value("ab");
  auto* tags = Attr(attrs, "tags")->mutable_value()->mutable_array_value()->mutable_values();
  tags->Add()->set_string_value("x");
  tags->Add()->set_string_value("y");
  auto* deep = Attr(attrs, "a")->mutable_value()->mutable_kvlist_value()->mutable_values();
  auto* deeper = Attr(deep, "b")->mutable_value()->mutable_kvlist_value()->mutable_values();
  StrAttr(deeper, "c", "leaf");
  Attr(attrs, "empty");  // no value: no field
  StrAttr(attrs, "blank", "");
  auto got = Push(req.SerializeAsString());
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 1u);
  const LogRow& row = got.rows[0];
  EXPECT_EQ(Get(row, "n"), "7");
  EXPECT_EQ(Get(row, "d"), "0.25");
  EXPECT_EQ(Get(row, "ok"), "false");
  EXPECT_EQ(Get(row, "raw"), "YWI=");
  EXPECT_EQ(Get(row, "tags"), R"(["x","y"])");
  EXPECT_EQ(Get(row, "a.b.c"), "leaf");
  EXPECT_EQ(Count(row, "empty"), 0u);
  EXPECT_EQ(Count(row, "blank"), 0u);
}

TEST(OtlpParserTest, SeverityTextElseTheNumbersName) {
  const std::pair<int, const char*> numbers[] = {{0, "Unspecified"}, {1, "Trace"}, {4, "Trace4"}, {5, "Debug"},
                                                 {9, "Info"},        {10, "Info2"}, {13, "Warn"}, {17, "Error"},
                                                 {20, "Error4"},     {21, "Fatal"}, {24, "Fatal4"}, {25, "Unspecified"},
                                                 {-3, "Unspecified"}};
  for (const auto& [n, want] : numbers) {
    otlp::ExportLogsServiceRequest req;
    otlp::LogRecord* r = OneScope(&req)->add_log_records();
    r->set_severity_number(n);
    auto got = Push(req.SerializeAsString());
    ASSERT_EQ(got.rows.size(), 1u);
    EXPECT_EQ(Get(got.rows[0], "severity"), want) << n;
  }
  otlp::ExportLogsServiceRequest req;
  otlp::LogRecord* r = OneScope(&req)->add_log_records();
  r->set_severity_number(17);
  r->set_severity_text("oops");
  auto got = Push(req.SerializeAsString());
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "severity"), "oops");
}

TEST(OtlpParserTest, TraceAndSpanIdsInLowercaseHex) {
  otlp::ExportLogsServiceRequest req;
  otlp::LogRecord* r = OneScope(&req)->add_log_records();
  r->set_trace_id(std::string("\x4b\xf9\x2f\x35\x77\xb3\x4d\xa6\xa3\xce\x92\x9d\x0e\x0e\x47\x36", 16));
  r->set_span_id(std::string("\x00\xf0\x67\xaa\x0b\xa9\x02\xb7", 8));
  auto got = Push(req.SerializeAsString());
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(Get(got.rows[0], "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(Get(got.rows[0], "span_id"), "00f067aa0ba902b7");
}

TEST(OtlpParserTest, TimeFallsBackToObservedThenNow) {
  otlp::ExportLogsServiceRequest req;
  otlp::ScopeLogs* scope = OneScope(&req);
  otlp::LogRecord* both = scope->add_log_records();
  both->set_time_unix_nano(1735689601000000000);
  both->set_observed_time_unix_nano(1735689609000000000);
  scope->add_log_records()->set_observed_time_unix_nano(1735689602000000000);
  scope->add_log_records();
  // _time_field does not apply: the record's time wins over an attribute named like it.
  StrAttr(scope->mutable_log_records(0)->mutable_attributes(), "ts", "2020-01-01T00:00:00Z");
  const int64_t before = NowNanos();
  auto got = Push(req.SerializeAsString(), {{"_time_field", "ts"}});
  ASSERT_TRUE(got.status.ok()) << got.status.message();
  ASSERT_EQ(got.rows.size(), 3u);
  EXPECT_EQ(got.rows[0].timestamp, 1735689601000000000);
  EXPECT_EQ(Get(got.rows[0], "ts"), "2020-01-01T00:00:00Z");
  EXPECT_EQ(got.rows[1].timestamp, 1735689602000000000);
  EXPECT_GE(got.rows[2].timestamp, before);
  EXPECT_LE(got.rows[2].timestamp, NowNanos());
}

TEST(OtlpParserTest, JsonBodiesAreRefused) {
  auto got = Push(R"({"resourceLogs":[]})", {}, {{"Content-Type", "application/json"}});
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("protobuf"), std::string::npos) << got.status.message();
  got = Push("", {}, {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_FALSE(got.status.ok());
}

TEST(OtlpParserTest, EmptyRequestStoresNothing) {
  auto got = Push("");
  EXPECT_TRUE(got.status.ok()) << got.status.message();
  EXPECT_TRUE(got.rows.empty());
}

TEST(OtlpParserTest, TruncatedAndRandomProtobufNeverCrash) {
  otlp::ExportLogsServiceRequest req;
  otlp::ScopeLogs* scope = OneScope(&req);
  for (int i = 0; i < 20; ++i) {
    otlp::LogRecord* r = scope->add_log_records();
    r->mutable_body()->set_string_value("line " + std::to_string(i));
    r->set_time_unix_nano(1735689600000000000 + i);
  }
  const std::string wire = req.SerializeAsString();
  size_t refused = 0;
  for (size_t cut = 1; cut < wire.size(); ++cut) {
    auto got = Push(wire.substr(0, cut));
    if (!got.status.ok()) {
      ++refused;
      EXPECT_NE(got.status.message().find("cannot unmarshal"), std::string::npos) << got.status.message();
      EXPECT_TRUE(got.rows.empty());  // a body that does not parse stores nothing
    }
  }
  EXPECT_GT(refused, wire.size() / 2);
  // A length prefix running past the end of the body.
  auto got = Push(std::string("\x0a\xff\x01\x00", 4));
  EXPECT_FALSE(got.status.ok());
  uint64_t x = 7;
  for (int round = 0; round < 64; ++round) {
    std::string junk;
    for (int i = 0; i < 512; ++i) {
      x = x * 6364136223846793005ULL + 1;
      junk.push_back(static_cast<char>(x >> 56));
    }
    Push(junk);
  }
}

}  // namespace
}  // namespace vl::insert
