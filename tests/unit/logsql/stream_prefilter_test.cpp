// MakeSearchSpec's stream index pre-filters (stream_label_equals, stream_ids): only necessary
// conditions are derived, and queries over a real storage answer exactly as a full scan does.
#include <gtest/gtest.h>

#include <algorithm>

#include "../../golden/collect_sink.h"
#include "../../storage/test_util.h"
#include "vl/common/time_util.h"
#include "vl/logsql/logsql.h"
#include "vl/storage/format.h"

namespace vl::logsql {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using storage_test::NowNs;

StreamTags Tags(const std::string& app, const std::string& host) {
  StreamTags t;
  t.Add("app", app);
  t.Add("host", host);
  t.Canonicalize();
  return t;
}

SearchSpec Spec(const std::string& text) {
  static std::vector<std::unique_ptr<Query>> keep;  // the spec references its query
  auto q = ParseQuery(text, NowNs());
  EXPECT_TRUE(q.ok()) << text << ": " << q.status().message();
  if (!q.ok()) return {};
  keep.push_back(std::move(q.value()));
  return MakeSearchSpec(TenantID{}, *keep.back(), nullptr);
}

Pairs LabelsOf(const std::string& text) {
  Pairs p = Spec(text).stream_label_equals;
  std::sort(p.begin(), p.end());
  return p;
}

TEST(StreamPrefilter, LabelPairsAreNecessaryConditions) {
  EXPECT_EQ(LabelsOf("{app=\"x\"}"), (Pairs{{"app", "x"}}));
  EXPECT_EQ(LabelsOf("{app=\"x\",host=\"h\"} error"), (Pairs{{"app", "x"}, {"host", "h"}}));
  EXPECT_EQ(LabelsOf("{app=\"x\"} {host=\"h\"}"), (Pairs{{"app", "x"}, {"host", "h"}}));
  // Only what every OR branch requires.
  EXPECT_EQ(LabelsOf("{app=\"x\",env=\"p\" or app=\"x\",env=\"q\"}"), (Pairs{{"app", "x"}}));
  EXPECT_EQ(LabelsOf("{app=\"x\" or app=\"y\"}"), Pairs{});
  EXPECT_EQ(LabelsOf("{app=\"x\" or host=\"h\"}"), Pairs{});
  // Not a single value: no pair.
  EXPECT_EQ(LabelsOf("{app!=\"x\"}"), Pairs{});
  EXPECT_EQ(LabelsOf("{app=~\"x\"}"), Pairs{});
  EXPECT_EQ(LabelsOf("{app!~\"x\"}"), Pairs{});
  EXPECT_EQ(LabelsOf("{app=\"\"}"), Pairs{});  // streams without the label
  EXPECT_EQ(LabelsOf("{app=\"x\",host!=\"h\"}"), (Pairs{{"app", "x"}}));
  // Not at the top-level AND.
  EXPECT_EQ(LabelsOf("NOT {app=\"x\"}"), Pairs{});
  EXPECT_EQ(LabelsOf("{app=\"x\"} OR error"), Pairs{});
  EXPECT_EQ(LabelsOf("error"), Pairs{});
}

TEST(StreamPrefilter, StreamIdFilters) {
  const std::string a = StreamID::Compute({}, Tags("a", "h")).ToString();
  const std::string b = StreamID::Compute({}, Tags("b", "h")).ToString();
  StreamID ia, ib;
  ASSERT_TRUE(StreamID::Parse(a, &ia));
  ASSERT_TRUE(StreamID::Parse(b, &ib));
  EXPECT_EQ(Spec("_stream_id:" + a).stream_ids, std::vector<StreamID>{ia});
  EXPECT_EQ(Spec("_stream_id:=" + a + " error").stream_ids, std::vector<StreamID>{ia});
  EXPECT_EQ(Spec("_stream_id:in(" + a + "," + b + ")").stream_ids, (std::vector<StreamID>{ia, ib}));
  EXPECT_EQ(Spec("_stream_id:" + a + " OR _stream_id:" + b).stream_ids,
            (std::vector<StreamID>{ia, ib}));
  // No restriction where the filter does not pin ids.
  EXPECT_TRUE(Spec("NOT _stream_id:" + a).stream_ids.empty());
  EXPECT_TRUE(Spec("_stream_id:" + a + " OR error").stream_ids.empty());
  EXPECT_TRUE(Spec("_stream_id:" + a.substr(0, 20) + "*").stream_ids.empty());
  std::string upper = a;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  if (upper != a) EXPECT_TRUE(Spec("_stream_id:" + upper).stream_ids.empty());
  EXPECT_TRUE(Spec("_stream_id:nothex").stream_ids.empty());
}

using test_support::CollectSink;

// Forwards searches and counts the blocks the storage hands out. With `full_scan` it searches
// the old way: no pre-filters, and the stream filter applied to each visited block instead of
// through the stream index, and no block header checks.
class CountingSearchable : public Searchable {
 public:
  CountingSearchable(const Searchable& inner, bool full_scan) : inner_(inner), full_scan_(full_scan) {}
  Status Search(const SearchSpec& spec, const BlockVisitor& visit, bool parallel) const override {
    SearchSpec s = spec;
    if (full_scan_) {
      s.stream_filter = nullptr;
      s.stream_label_equals.clear();
      s.stream_ids.clear();
      s.block_filter = nullptr;
    }
    auto filter = full_scan_ ? spec.stream_filter : nullptr;
    return inner_.Search(
        s,
        [&](BlockView& b) {
          blocks++;
          return (filter && !filter(b.stream_tags())) || visit(b);
        },
        parallel);
  }
  mutable std::atomic<size_t> blocks{0};

 private:
  const Searchable& inner_;
  const bool full_scan_;
};

std::vector<std::string> Lines(const Searchable& data, const std::string& text) {
  auto q = ParseQuery(text, NowNs());
  EXPECT_TRUE(q.ok()) << text;
  if (!q.ok()) return {};
  CollectSink sink;
  Status st = ExecuteQuery(data, TenantID{}, *q.value(), sink, nullptr);
  EXPECT_TRUE(st.ok()) << text << ": " << st.ToString();
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < sink.text.size()) {
    size_t nl = sink.text.find('\n', pos);
    out.push_back(sink.text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StreamPrefilter, QueriesAnswerAsFullScan) {
  storage_test::TempDir dir;
  auto r = Storage::Open(storage_test::TestOptions(dir.path));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto& s = r.value();
  // One day partition whatever the clock says, so that the block counts below hold.
  const int64_t base = storage::DayOf(NowNs() - 3600 * kNanosPerSecond) * storage::kNanosPerDay +
                       60 * kNanosPerSecond;
  for (int batch = 0; batch < 3; batch++) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 300; i++) {
      LogRow row;
      row.timestamp = base + (batch * 300 + i) * kNanosPerSecond;
      row.stream_tags = Tags("app" + std::to_string(i % 6), "h" + std::to_string((i / 6) % 2));
      row.stream_id = StreamID::Compute({}, row.stream_tags);
      row.fields.push_back({"_msg", (i % 4 ? "info line " : "error line ") + std::to_string(i)});
      row.fields.push_back({"seq", std::to_string(batch * 300 + i)});
      rows.push_back(std::move(row));
    }
    AddResult res;
    ASSERT_TRUE(s->Add(rows, &res).ok());
    ASSERT_TRUE(s->ForceFlush().ok());
  }
  CountingSearchable indexed(*s, false), full(*s, true);
  const std::string id1 = StreamID::Compute({}, Tags("app1", "h1")).ToString();
  const std::string id2 = StreamID::Compute({}, Tags("app2", "h0")).ToString();
  const std::vector<std::string> queries = {
      "{app=\"app3\"}",
      "{app=\"app3\",host=\"h1\"} seq:>100",
      "{app=\"app3\"} error",
      "{app=~\"app[12]\"}",
      "{app!=\"app3\"} error",
      "{app=\"app1\" or host=\"h0\"} error",
      "{app=\"app1\",host=\"h0\" or app=\"app1\",host=\"h1\"} error",
      "{app=\"nope\"}",
      "NOT {app=\"app1\"} error",
      "_stream_id:" + id1,
      "_stream_id:in(" + id1 + "," + id2 + ") error",
      "{app=\"app2\"} _stream_id:" + id1,
      "{app=\"app1\"} | stats count() as n",
      "{app=\"app1\"} | stats by (host) count() as n",
      "{app=\"app4\"} | sort by (seq) limit 5",
  };
  for (const auto& text : queries) {
    indexed.blocks = 0;
    full.blocks = 0;
    EXPECT_EQ(Lines(indexed, text), Lines(full, text)) << text;
    EXPECT_LE(indexed.blocks.load(), full.blocks.load()) << text;
  }
  // Only the blocks of the matching streams are handed out: 2 streams x 3 parts of 12 streams.
  indexed.blocks = 0;
  full.blocks = 0;
  EXPECT_EQ(Lines(indexed, "{app=\"app3\"}").size(), 150u);
  Lines(full, "{app=\"app3\"}");
  EXPECT_EQ(indexed.blocks.load(), 6u);
  EXPECT_EQ(full.blocks.load(), 36u);
  indexed.blocks = 0;
  EXPECT_EQ(Lines(indexed, "_stream_id:" + id1).size(), 75u);
  EXPECT_EQ(indexed.blocks.load(), 3u);
  ASSERT_TRUE(s->Close().ok());
}

}  // namespace
}  // namespace vl::logsql
