#include "vl/cluster/wire.h"

#include <gtest/gtest.h>

#include "vl/logsql/executor.h"
#include "vl/logsql/split.h"
#include "../../../src/logsql/pipes/pipes.h"

namespace vl::cluster {
namespace {

LogRow MakeRow(uint32_t account, int64_t ts, std::string msg) {
  LogRow r;
  r.tenant = TenantID{account, 7};
  r.timestamp = ts;
  r.stream_tags.Add("app", "web");
  r.stream_tags.Canonicalize();
  r.stream_id = StreamID::Compute(r.tenant, r.stream_tags);
  r.fields.push_back(Field{"_msg", std::move(msg)});
  r.fields.push_back(Field{"level", "info"});
  return r;
}

void Append(const LogRow& row, std::string* body) {
  std::string tags;
  std::vector<FieldView> fields;
  AppendInsertRow(ViewOf(row, &tags, &fields), body);
}

Status Parse(std::string_view body, std::vector<LogRow>* rows) {
  return ParseInsertRows(body, [&](const RowView& row) { rows->push_back(ToLogRow(row)); });
}

TEST(InsertRows, RoundTrip) {
  std::string body;
  Append(MakeRow(1, 123, "hello"), &body);
  Append(MakeRow(2, -5, "world"), &body);
  std::vector<LogRow> rows;
  ASSERT_TRUE(Parse(body, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].tenant.account_id, 1u);
  EXPECT_EQ(rows[0].tenant.project_id, 7u);
  EXPECT_EQ(rows[1].timestamp, -5);
  EXPECT_EQ(rows[0].fields[0].name, "_msg");
  EXPECT_EQ(rows[0].fields[0].value, "hello");
  EXPECT_EQ(rows[1].fields[1].value, "info");
  EXPECT_EQ(rows[0].stream_tags.Get("app"), "web");
  EXPECT_EQ(rows[0].stream_id, MakeRow(1, 0, "").stream_id);
}

TEST(InsertRows, MsgTravelsWithEmptyName) {
  std::string body;
  Append(MakeRow(0, 1, "m"), &body);
  // tenant 8 bytes, tags, ts 8, count 1 byte, then the first name length must be 0.
  std::string tags = MakeRow(0, 1, "m").stream_tags.MarshalCanonical();
  EXPECT_EQ(body[8 + 1 + tags.size() + 8 + 1], '\0');
}

// vlagent forwards rows whose fields may include `_stream` (copied from a JSON line that had
// one), `_time` or `_stream_id`: the row is stored with its own stream and timestamp, and those
// fields are dropped, as /insert/jsonline drops them.
TEST(InsertRows, ReservedFieldsFromVlagentAreDropped) {
  LogRow r = MakeRow(3, 42, "from vlagent");
  r.fields.push_back(Field{"_stream", "{app=\"web\"}"});
  r.fields.push_back(Field{"_stream_id", "00000000000000000000000000000000000000000000000f"});
  r.fields.push_back(Field{"_time", "2025-01-01T00:00:00Z"});
  r.fields.push_back(Field{"host", "h1"});
  std::string body;
  Append(r, &body);
  Append(MakeRow(3, 43, "next"), &body);
  std::vector<LogRow> rows;
  ASSERT_TRUE(Parse(body, &rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].timestamp, 42);
  EXPECT_EQ(rows[0].stream_tags.Get("app"), "web");
  ASSERT_EQ(rows[0].fields.size(), 3u);
  EXPECT_EQ(rows[0].fields[0].value, "from vlagent");
  EXPECT_EQ(rows[0].fields[2].name, "host");
  EXPECT_EQ(rows[1].fields[0].value, "next");
}

TEST(InsertRows, TruncatedKeepsEarlierRows) {
  std::string body;
  Append(MakeRow(1, 1, "a"), &body);
  std::string second;
  Append(MakeRow(1, 2, "b"), &second);
  body += second.substr(0, second.size() - 3);
  std::vector<LogRow> rows;
  Status s = Parse(body, &rows);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(rows.size(), 1u);
}

TEST(DataBlocks, RoundTripConstAndRegular) {
  logsql::ResultBlock b;
  b.rows = 3;
  b.columns.push_back(logsql::ResultColumn::Const("const", "x", 3));
  b.columns.push_back(logsql::ResultColumn::Strings("reg", {"1", "", std::string("\0bin", 4)}));
  std::string data;
  AppendDataBlock(b, &data);
  AppendDataBlock(logsql::ResultBlock{}, &data);
  std::vector<logsql::ResultBlock> out;
  ASSERT_TRUE(ParseDataBlocks(data, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rows, 3u);
  for (size_t c = 0; c < 2; ++c) {
    for (size_t r = 0; r < 3; ++r) EXPECT_EQ(out[0].columns[c].at(r), b.columns[c].at(r)) << c << "," << r;
  }
  EXPECT_EQ(out[0].columns[0].type(), logsql::ResultColumn::Type::kConst);
  EXPECT_EQ(out[1].rows, 0u);
  EXPECT_FALSE(ParseDataBlocks(data.substr(0, data.size() - 4), &out).ok());
}

TEST(Frames, CompressedAndPlain) {
  std::string payload(10000, 'a');
  for (bool compress : {true, false}) {
    std::string f;
    AppendFrame(payload, compress, &f);
    uint64_t len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<uint8_t>(f[i]);
    ASSERT_EQ(len, f.size() - 8);
    std::string body = f.substr(8);
    if (compress) {
      EXPECT_LT(body.size(), payload.size());
      auto plain = Decompress(body, 1 << 20);
      ASSERT_TRUE(plain.ok());
      body = *plain;
    }
    EXPECT_EQ(body, payload);
  }
}

TEST(Tenant, RoundTrip) {
  auto t = DecodeTenant(EncodeTenant(TenantID{0x01020304, 5}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->account_id, 0x01020304u);
  EXPECT_EQ(t->project_id, 5u);
  EXPECT_FALSE(DecodeTenant("short").ok());
}

// Partial stats states survive the remote text form and the wire, and merge to the single-node answer.
TEST(Split, StatsRemoteRoundTripsAndMerges) {
  auto q = logsql::ParseQuery("* | stats by (k) count() as c, avg(v) as a, count_uniq(v) as u, min(v) as lo", 0);
  ASSERT_TRUE(q.ok());
  logsql::SplitQuery split = logsql::Split(**q);
  std::string remote_text = split.remote->ToString();
  EXPECT_NE(remote_text.find("stats_remote"), std::string::npos);
  auto reparsed = logsql::ParseQuery(remote_text, 0);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().message();
  EXPECT_EQ((*reparsed)->ToString(), remote_text);

  const auto& remote_stats = dynamic_cast<const logsql::StatsPipe&>(*(*reparsed)->pipes().back());
  auto node_states = [&](std::vector<std::string> vs) {
    logsql::StatsState st(remote_stats);
    logsql::ResultBlock in;
    in.rows = vs.size();
    in.columns.push_back(logsql::ResultColumn::Const("k", "g", vs.size()));
    in.columns.push_back(logsql::ResultColumn::Strings("v", vs));
    st.Update(in);
    std::string wire;
    AppendDataBlock(st.ExportStates(), &wire);
    std::vector<logsql::ResultBlock> blocks;
    EXPECT_TRUE(ParseDataBlocks(wire, &blocks).ok());
    return blocks.at(0);
  };
  struct Collect : logsql::ResultSink {
    std::vector<logsql::ResultBlock> blocks;
    bool Write(const logsql::ResultBlock& b) override {
      blocks.push_back(b);
      return true;
    }
  } sink;
  logsql::PipeRunner runner(split.local, sink);
  runner.Push(node_states({"1", "2", "3"}));
  runner.Push(node_states({"3", "9"}));
  ASSERT_TRUE(runner.Flush().ok());
  ASSERT_EQ(sink.blocks.size(), 1u);
  const auto& r = sink.blocks[0];
  EXPECT_EQ(r.Find("c")->at(0), "5");
  EXPECT_EQ(r.Find("a")->at(0), "3.6");
  EXPECT_EQ(r.Find("u")->at(0), "4");
  EXPECT_EQ(r.Find("lo")->at(0), "1");
}

TEST(Split, SortLimitAndOffset) {
  auto q = logsql::ParseQuery("error | fields a, b | sort by (a desc) offset 2 limit 3 | limit 1", 0);
  ASSERT_TRUE(q.ok());
  logsql::SplitQuery split = logsql::Split(**q);
  // The parser folds `| limit 1` into the sort; nodes return the top offset+limit rows.
  EXPECT_EQ(split.remote->ToString(), "error | fields a, b | sort by (a desc) limit 3");
  ASSERT_EQ(split.local.size(), 1u);
  EXPECT_EQ(split.local[0]->String(), "sort by (a desc) offset 2 limit 1");
  auto o = logsql::ParseQuery("* | offset 3 | fields a", 0);
  ASSERT_TRUE(o.ok());
  split = logsql::Split(**o);
  // The router's pipes read only `a`: nodes send only that column.
  EXPECT_EQ(split.remote->ToString(), "* | fields a");
  EXPECT_EQ(split.local.size(), 2u);
}

}  // namespace
}  // namespace vl::cluster
