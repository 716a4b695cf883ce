// Loki push parser (src/insert/loki_parser.cpp) and its label-text parser (loki_labels.cpp), case
// by case next to loki_parser_test.cpp: JSON and protobuf bodies fed in pieces, labels as fields
// and stream, structured metadata, JSON-object lines, timestamps, X-Scope-OrgID tenants, Go label
// escapes, errors that name where the body went wrong, and hostile bodies.
#include <gtest/gtest.h>
#include <loki_push.pb.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "test_util.h"
#include "vl/common/time_util.h"
#include "vl/insert/loki_labels.h"
#include "vl/insert/protocols.h"

namespace vl::insert {
namespace {

using testing::Count;
using testing::Get;
using Map = std::map<std::string, std::string, std::less<>>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kJan1 = 1735689600LL * kNanosPerSecond;  // 2025-01-01T00:00:00Z

struct Request {
  Map args;
  Map headers;
  ProtocolSettings settings;
};

// Runs the parser over `body` fed in `chunk`-byte pieces; the rows it wrote go to *rows.
Status Push(const Request& req, std::string_view body, std::vector<LogRow>* rows, size_t chunk = 0) {
  auto params = CommonParams::Parse(testing::MapGetter(req.args), testing::MapGetter(req.headers));
  if (!params.ok()) return params.status();
  ParserOptions options;
  options.settings = req.settings;
  testing::CollectingWriter writer;
  auto parser = MakeLokiParser(std::move(params.value()), &writer, options,
                               RequestInfo{testing::MapGetter(req.args), testing::MapGetter(req.headers)});
  if (chunk == 0) chunk = body.size() + 1;
  for (size_t off = 0; off < body.size(); off += chunk) {
    Status s = parser->Feed(body.substr(off, chunk));
    if (!s.ok()) return s;
  }
  Status s = parser->Finish();
  *rows = writer.Take();
  EXPECT_EQ(parser->records_ok(), rows->size());
  return s;
}

Request Json(Map args = {}, Map headers = {}) {
  headers.emplace("Content-Type", "application/json");
  return Request{std::move(args), std::move(headers), {}};
}

// A protobuf PushRequest; each stream is (labels text, entries).
struct PbEntry {
  int64_t seconds = 0;
  int32_t nanos = 0;
  std::string line;
  Pairs metadata;
};
std::string Protobuf(const std::vector<std::pair<std::string, std::vector<PbEntry>>>& streams) {
  proto::loki::PushRequest req;
  for (const auto& [labels, entries] : streams) {
    proto::loki::Stream* s = req.add_streams();
    s->set_labels(labels);
    for (const PbEntry& e : entries) {
      proto::loki::Entry* pe = s->add_entries();
      if (e.seconds != 0 || e.nanos != 0) {
        pe->mutable_timestamp()->set_seconds(e.seconds);
        pe->mutable_timestamp()->set_nanos(e.nanos);
      }
      pe->set_line(e.line);
      for (const auto& [n, v] : e.metadata) {
        proto::loki::LabelPair* m = pe->add_structured_metadata();
        m->set_name(n);
        m->set_value(v);
      }
    }
  }
  return req.SerializeAsString();
}

std::string ErrorOf(const Request& req, std::string_view body) {
  std::vector<LogRow> rows;
  Status s = Push(req, body, &rows);
  EXPECT_FALSE(s.ok()) << body;
  return s.message();
}

bool Contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// --- labels ---

Pairs Labels(std::string_view text) {
  Pairs out;
  Status s = ParseLokiLabels(text, &out);
  EXPECT_TRUE(s.ok()) << text << ": " << s.message();
  return out;
}

TEST(LokiLabels, Plain) {
  EXPECT_EQ(Labels(R"({job="varlogs", host="h1"})"), (Pairs{{"job", "varlogs"}, {"host", "h1"}}));
  EXPECT_EQ(Labels(R"({a="1",b="2"})"), (Pairs{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(Labels(R"(  { a = "" , k8s.pod_name:x="p" }  )"), (Pairs{{"a", ""}, {"k8s.pod_name:x", "p"}}));
  // Names are not held to Prometheus syntax: clients send what their users wrote.
  EXPECT_EQ(Labels(R"({service-name="a",k8s/app="b",1st="c",名前="d"})"),
            (Pairs{{"service-name", "a"}, {"k8s/app", "b"}, {"1st", "c"}, {"名前", "d"}}));
  EXPECT_EQ(Labels("{}"), Pairs{});
  EXPECT_EQ(Labels(R"({a="1",})"), (Pairs{{"a", "1"}}));  // trailing comma, as Prometheus allows
}

TEST(LokiLabels, GoEscapes) {
  auto got = Labels(R"({q="say \"hi\"", path="C:\\tmp", nl="a\nb\tc", u="caf\u00e9", big="\U0001F600"})");
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].second, "say \"hi\"");
  EXPECT_EQ(got[1].second, "C:\\tmp");
  EXPECT_EQ(got[2].second, "a\nb\tc");
  EXPECT_EQ(got[3].second, "caf\xC3\xA9");
  EXPECT_EQ(got[4].second, "\xF0\x9F\x98\x80");
  // Go's strconv.Quote (how Loki clients print labels) also writes \a \b \f \v, \xHH for bytes
  // that are not UTF-8, and octal; VictoriaLogs unquotes with Go's strconv.Unquote.
  EXPECT_EQ(Labels(R"({c="\a\b\f\v", x="\x41\xff", o="\101\377"})"),
            (Pairs{{"c", "\a\b\f\v"}, {"x", "A\xff"}, {"o", "A\xff"}}));
  // Values are bytes: UTF-8 and a `}` or `,` inside quotes are kept as they are.
  EXPECT_EQ(Labels(R"({m="a,b}c", z="żółw"})"), (Pairs{{"m", "a,b}c"}, {"z", "żółw"}}));
}

TEST(LokiLabels, BadSyntaxNamesTheProblem) {
  struct Case {
    std::string_view text, want;
  };
  for (const Case& c : std::vector<Case>{
           {R"(job="x")", "want `{`"},
           {R"({job})", "want `=`"},
           {R"({job=x})", "double-quoted"},
           {R"({job="x)", "unterminated"},
           {R"({job="x" host="y"})", "want `,` or `}`"},
           {R"({="x"})", "label name"},
           {R"({job="x"} extra)", "after `}`"},
           {R"({job="\q"})", "escape"},
           {R"({job="\u12"})", "escape"},
           {R"({job="\xZ1"})", "bad \\x escape"},
           {R"({job="\400"})", "above \\377"},
           {R"({job="\19"})", "escape"},
           {R"({job="\uD800"})", "Unicode"},
           {R"({job="x\)", "unterminated"},
           {R"({job="x")", "want `,` or `}`"},
       }) {
    Pairs out;
    Status s = ParseLokiLabels(c.text, &out);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_TRUE(Contains(s.message(), c.want)) << c.text << " -> " << s.message();
  }
}

// --- JSON bodies ---

TEST(LokiParser, JsonLabelsMetadataAndTimestamps) {
  const std::string body = R"({"streams":[{"stream":{"job":"varlogs","host":"h1"},"values":[
      ["1735689604000000000","first line",{"trace_id":"abc","job_run":"7"}],
      ["1735689605000","millisecond precision"],
      ["1735689606","second precision"]]}]})";
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json(), body, &rows, 7).ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].timestamp, kJan1 + 4 * kNanosPerSecond);
  EXPECT_EQ(rows[1].timestamp, kJan1 + 5 * kNanosPerSecond);
  EXPECT_EQ(rows[2].timestamp, kJan1 + 6 * kNanosPerSecond);
  EXPECT_EQ(Get(rows[0], "_msg"), "first line");
  EXPECT_EQ(Get(rows[0], "job"), "varlogs");
  EXPECT_EQ(Get(rows[0], "host"), "h1");
  EXPECT_EQ(Get(rows[0], "trace_id"), "abc");
  EXPECT_EQ(Get(rows[1], "trace_id"), "<absent>");  // metadata belong to their entry only
  // All labels are the stream; metadata are not.
  EXPECT_EQ(rows[0].stream_tags.ToString(), R"({host="h1",job="varlogs"})");
  EXPECT_EQ(rows[0].stream_id, rows[2].stream_id);
}

TEST(LokiParser, JsonEmptyOrZeroTimestampIsNow) {
  const int64_t before = NowNanos();
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json(), R"({"streams":[{"stream":{"a":"b"},"values":[["","x"],["0","y"]]}]})", &rows).ok());
  const int64_t after = NowNanos();
  ASSERT_EQ(rows.size(), 2u);
  for (const LogRow& r : rows) {
    EXPECT_GE(r.timestamp, before);
    EXPECT_LE(r.timestamp, after);
  }
}

TEST(LokiParser, JsonStreamFieldsArgWins) {
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json({{"_stream_fields", "job"}}),
                   R"({"streams":[{"stream":{"job":"j","host":"h"},"values":[["1","x"]]},
                                  {"stream":{"job":"j","host":"h2"},"values":[["1","y"]]}]})",
                   &rows)
                  .ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].stream_tags.ToString(), R"({job="j"})");
  EXPECT_EQ(rows[0].stream_id, rows[1].stream_id);
  EXPECT_EQ(Get(rows[1], "host"), "h2");
}

TEST(LokiParser, StreamsWithDifferentLabelsAreDifferentStreams) {
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json(),
                   R"({"streams":[{"stream":{"app":"a"},"values":[["1","x"]]},
                                  {"stream":{"app":"a","env":"prod"},"values":[["1","y"]]},
                                  {"values":[["1","z"]]}]})",
                   &rows)
                  .ok());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].stream_tags.ToString(), R"({app="a"})");
  EXPECT_EQ(rows[1].stream_tags.ToString(), R"({app="a",env="prod"})");
  EXPECT_EQ(rows[2].stream_tags.ToString(), "{}");
  EXPECT_NE(rows[0].stream_id, rows[1].stream_id);
}

TEST(LokiParser, JsonObjectLineIsUnpacked) {
  const std::string body = R"({"streams":[{"stream":{"app":"shop"},"values":[)"
                           R"(["1","{\"message\":\"paid\",\"user\":{\"id\":42},\"level\":\"info\"}"]]}]})";
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json({{"_msg_field", "message"}}), body, &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Get(rows[0], "_msg"), "paid");
  EXPECT_EQ(Get(rows[0], "message"), "<absent>");
  EXPECT_EQ(Get(rows[0], "user.id"), "42");
  EXPECT_EQ(Get(rows[0], "level"), "info");
  EXPECT_EQ(rows[0].stream_tags.ToString(), R"({app="shop"})");  // unpacked fields are not the stream

  // Without _msg_field the row gets the default message.
  ASSERT_TRUE(Push(Json(), body, &rows).ok());
  EXPECT_EQ(Get(rows[0], "_msg"), kDefaultMsgValue);
  EXPECT_EQ(Get(rows[0], "message"), "paid");
}

TEST(LokiParser, MsgFieldAlsoLooksAtMetadataButNotLabels) {
  // VictoriaLogs renames among the metadata and the unpacked line's fields, metadata first; a
  // plain (not unpacked) line is the _msg whatever _msg_field says.
  const std::string body = R"({"streams":[{"stream":{"message":"label"},"values":[
      ["1","{\"message\":\"line\"}",{"message":"meta"}],
      ["1","{\"n\":1}",{"message":"meta only"}],
      ["1","{\"message\":\"line only\"}"],
      ["1","plain",{"message":"meta"}]]}]})";
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json({{"_msg_field", "message"}}), body, &rows).ok());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(Get(rows[0], "_msg"), "meta");
  EXPECT_EQ(Get(rows[1], "_msg"), "meta only");
  EXPECT_EQ(Get(rows[2], "_msg"), "line only");
  EXPECT_EQ(Get(rows[3], "_msg"), "plain");
  for (const LogRow& r : rows) EXPECT_EQ(r.stream_tags.ToString(), R"({message="label"})");
}

TEST(LokiParser, MessageParsingCanBeSwitchedOff) {
  const std::string line = R"({\"message\":\"paid\"})";
  const std::string body = R"({"streams":[{"stream":{"app":"shop"},"values":[["1",")" + line + R"("]]}]})";
  std::vector<Request> off = {Json({{"disable_message_parsing", "1"}}),
                              Json({{"disable_message_parsing", "true"}}),
                              Json({}, {{"VL-Loki-Disable-Message-Parsing", "true"}})};
  off.push_back(Json());
  off.back().settings.loki_disable_message_parsing = true;
  for (Request& req : off) {
    req.args.emplace("_msg_field", "message");
    std::vector<LogRow> rows;
    ASSERT_TRUE(Push(req, body, &rows).ok());
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(Get(rows[0], "_msg"), R"({"message":"paid"})");
    EXPECT_EQ(Get(rows[0], "message"), "<absent>");
  }
  // The request can switch it back on over the flag.
  Request on = Json({{"disable_message_parsing", "false"}, {"_msg_field", "message"}});
  on.settings.loki_disable_message_parsing = true;
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(on, body, &rows).ok());
  EXPECT_EQ(Get(rows[0], "_msg"), "paid");

  EXPECT_TRUE(Contains(ErrorOf(Json({{"disable_message_parsing", "maybe"}}), body), "disable_message_parsing"));
}

TEST(LokiParser, LinesThatOnlyLookLikeJsonStayTheMessage) {
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json(),
                   R"({"streams":[{"values":[["1","{not json}"],["1","[1,2]"],["1","{\"a\":1} tail"],["1","{}"]]}]})",
                   &rows)
                  .ok());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(Get(rows[0], "_msg"), "{not json}");
  EXPECT_EQ(Get(rows[1], "_msg"), "[1,2]");
  EXPECT_EQ(Get(rows[2], "_msg"), R"({"a":1} tail)");
  EXPECT_EQ(Get(rows[3], "_msg"), kDefaultMsgValue);  // an empty object has no fields
}

TEST(LokiParser, JsonErrorsNameStreamAndEntry) {
  struct Case {
    std::string body, want;
  };
  for (const Case& c : std::vector<Case>{
           {"{not json", "JSON"},
           {"[]", "streams"},
           {R"({"streams":{}})", "streams"},
           {R"({"streams":[{"stream":{"a":1},"values":[]}]})", "label"},
           {R"({"streams":[{"stream":[],"values":[]}]})", "stream 1"},
           {R"({"streams":[{"stream":{}}]})", "values"},
           {R"({"streams":[{"values":[["1","x"]]},{"values":[["1","x"],["x","y"]]}]})", "stream 2, entry 2"},
           {R"({"streams":[{"values":[["1","x"],["x","y"]]}]})", "timestamp"},
           {R"({"streams":[{"values":[[1,"x"]]}]})", "timestamp"},  // strings only, as in VictoriaLogs
           {R"({"streams":[{"values":[["1",2]]}]})", "line"},
           {R"({"streams":[{"values":[["1"]]}]})", "entry 1"},
           {R"({"streams":[{"values":[["1","x",{},4]]}]})", "entry 1"},
           {R"({"streams":[{"values":[["1","x","meta"]]}]})", "metadata"},
           {R"({"streams":[{"values":[["1","x",{"k":2}]]}]})", "metadata"},
           {R"({"streams":[{"values":["x"]}]})", "entry 1"},
       }) {
    const std::string err = ErrorOf(Json(), c.body);
    EXPECT_TRUE(Contains(err, c.want)) << c.body << " -> " << err;
  }
}

// --- protobuf bodies ---

TEST(LokiParser, ProtobufLabelsMetadataAndTimestamps) {
  const std::string body = Protobuf({
      {R"({service="shop", path="C:\\app", note="say \"hi\""})",
       {{1735689601, 250'000'000, "order placed", {{"trace_id", "t1"}}}, {0, 0, "no timestamp", {}}}},
      {"{}", {{1735689603, 0, "no labels", {}}}},
  });
  const int64_t before = NowNanos();
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Request{}, body, &rows, 5).ok());
  const int64_t after = NowNanos();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].timestamp, kJan1 + kNanosPerSecond + 250'000'000);
  EXPECT_EQ(Get(rows[0], "_msg"), "order placed");
  EXPECT_EQ(Get(rows[0], "service"), "shop");
  EXPECT_EQ(Get(rows[0], "path"), "C:\\app");
  EXPECT_EQ(Get(rows[0], "note"), "say \"hi\"");
  EXPECT_EQ(Get(rows[0], "trace_id"), "t1");
  EXPECT_EQ(rows[0].stream_tags.ToString(), R"({note="say \"hi\"",path="C:\\app",service="shop"})");
  EXPECT_GE(rows[1].timestamp, before);  // zero timestamp → now
  EXPECT_LE(rows[1].timestamp, after);
  EXPECT_EQ(Get(rows[1], "trace_id"), "<absent>");
  EXPECT_EQ(rows[2].stream_tags.ToString(), "{}");
  EXPECT_EQ(Get(rows[2], "_msg"), "no labels");
}

TEST(LokiParser, ProtobufJsonLineUnpacked) {
  const std::string body = Protobuf({{R"({app="a"})", {{1, 0, R"({"msg":"hi","n":1})", {{"m", "v"}}}}}});
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Request{{{"_msg_field", "msg"}}, {}, {}}, body, &rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Get(rows[0], "_msg"), "hi");
  EXPECT_EQ(Get(rows[0], "n"), "1");
  EXPECT_EQ(Get(rows[0], "m"), "v");
  ASSERT_TRUE(Push(Request{{{"_msg_field", "msg"}}, {{"VL-Loki-Disable-Message-Parsing", "1"}}, {}}, body, &rows).ok());
  EXPECT_EQ(Get(rows[0], "_msg"), R"({"msg":"hi","n":1})");
  EXPECT_EQ(Count(rows[0], "n"), 0u);
}

TEST(LokiParser, ProtobufBadLabelsNameTheStream) {
  const std::string body = Protobuf({{R"({a="1"})", {{1, 0, "x", {}}}}, {R"({a=1})", {{1, 0, "y", {}}}}});
  const std::string err = ErrorOf(Request{}, body);
  EXPECT_TRUE(Contains(err, "stream 2")) << err;
  EXPECT_TRUE(Contains(err, "double-quoted")) << err;
}

TEST(LokiParser, ProtobufGarbageIsAnError) {
  EXPECT_TRUE(Contains(ErrorOf(Request{}, "\xff\xff\xff garbage"), "protobuf"));
  // A JSON body sent without the JSON content type is read as protobuf, and fails as such.
  EXPECT_TRUE(Contains(ErrorOf(Request{}, R"({"streams":[]})"), "protobuf"));
}

// --- tenants ---

TEST(LokiParser, TenantFromXScopeOrgID) {
  const std::string body = R"({"streams":[{"values":[["1","x"]]}]})";
  std::vector<LogRow> rows;
  ASSERT_TRUE(Push(Json({}, {{"X-Scope-OrgID", "12:3"}}), body, &rows).ok());
  EXPECT_EQ(rows[0].tenant, (TenantID{12, 3}));
  ASSERT_TRUE(Push(Json({}, {{"X-Scope-OrgID", "7"}}), body, &rows).ok());
  EXPECT_EQ(rows[0].tenant, (TenantID{7, 0}));
  // AccountID/ProjectID headers win.
  ASSERT_TRUE(Push(Json({}, {{"X-Scope-OrgID", "12:3"}, {"AccountID", "5"}}), body, &rows).ok());
  EXPECT_EQ(rows[0].tenant, (TenantID{5, 0}));
  ASSERT_TRUE(Push(Json(), body, &rows).ok());
  EXPECT_EQ(rows[0].tenant, TenantID{});
  EXPECT_TRUE(Contains(ErrorOf(Json({}, {{"X-Scope-OrgID", "tenant-a"}}), body), "X-Scope-OrgID"));
}

// --- hostile input ---

TEST(LokiParser, TruncatedAndRandomBodiesNeverCrash) {
  const std::string pb = Protobuf({{R"({service="shop", env="prod"})",
                                    {{1735689601, 5, R"({"a":{"b":[1,2]},"msg":"x"})", {{"k", "v"}}},
                                     {1735689602, 0, "plain", {}}}}});
  const std::string json =
      R"({"streams":[{"stream":{"job":"j"},"values":[["1","{\"a\":1}",{"m":"v"}],["2","two"]]}]})";
  std::vector<LogRow> rows;
  for (size_t n = 0; n < pb.size(); ++n) (void)Push(Request{}, pb.substr(0, n), &rows);
  for (size_t n = 0; n < json.size(); ++n) (void)Push(Json(), json.substr(0, n), &rows);
  std::mt19937 rng(42);
  for (int i = 0; i < 500; ++i) {
    std::string body = (i % 2 ? pb : json);
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
      body[rng() % body.size()] = static_cast<char>(rng());
    }
    (void)Push(i % 2 ? Request{} : Json(), body, &rows);
    std::string random(rng() % 64, '\0');
    for (char& c : random) c = static_cast<char>(rng());
    (void)Push(Request{}, random, &rows);
    Pairs labels;
    (void)ParseLokiLabels(random, &labels);
  }
}

}  // namespace
}  // namespace vl::insert
