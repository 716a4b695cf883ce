#include <gtest/gtest.h>

#include <algorithm>

#include "../../golden/collect_sink.h"
#include "../../golden/mem_searchable.h"
#include "vl/common/time_util.h"
#include "vl/logsql/filter_eval.h"
#include "vl/logsql/logsql.h"

namespace vl::logsql {
namespace {

constexpr int64_t kBase = 1735689600LL * kNanosPerSecond;  // 2025-01-01T00:00:00Z

StreamTags Tags(std::initializer_list<std::pair<const char*, const char*>> labels) {
  StreamTags t;
  for (const auto& [k, v] : labels) t.Add(k, v);
  t.Canonicalize();
  return t;
}

void AddRow(vl::testing::MemSearchable* s, const StreamTags& tags, int64_t sec, const std::string& msg,
            std::vector<Field> extra = {}) {
  LogRow r;
  r.timestamp = kBase + sec * kNanosPerSecond;
  r.stream_tags = tags;
  r.stream_id = StreamID::Compute(r.tenant, tags);
  if (!msg.empty()) r.fields.push_back({"_msg", msg});
  for (auto& f : extra) r.fields.push_back(std::move(f));
  s->Add(std::move(r));
}

using test_support::CollectSink;

class ExecuteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto api = Tags({{"app", "api"}});
    auto web = Tags({{"app", "web"}, {"env", "prod"}});
    AddRow(&data_, api, 0, "error happened");
    AddRow(&data_, api, 1, "errors happened");
    AddRow(&data_, api, 2, "foo bar", {{"level", "info"}});
    AddRow(&data_, api, 3, "xfoo bar", {{"level", "warn"}});
    AddRow(&data_, web, 4, "foo barx");
    AddRow(&data_, web, 5, "a-error-b");
    AddRow(&data_, web, 6, "Error upper");
    AddRow(&data_, web, 7, "\xC3\xA9rror unicode error\xC3\xA9");
    data_.Finish(2);
  }

  // Sorted `_msg` values of the rows matching `filter`.
  std::vector<std::string> Msgs(const std::string& filter) {
    auto q = ParseQuery(filter + " | fields _msg", kBase + 3600 * kNanosPerSecond);
    EXPECT_TRUE(q.ok()) << q.status().message();
    if (!q.ok()) return {};
    CollectSink sink;
    EXPECT_TRUE(ExecuteQuery(data_, TenantID{}, *q.value(), sink, nullptr).ok());
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < sink.text.size()) {
      size_t nl = sink.text.find('\n', pos);
      std::string line = sink.text.substr(pos, nl - pos);
      out.push_back(line.substr(9, line.size() - 11));  // {"_msg":"...."}
      pos = nl + 1;
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  vl::testing::MemSearchable data_;
};

using V = std::vector<std::string>;

TEST(MatchTest, TokenBoundaries) {
  EXPECT_TRUE(MatchPhrase("error happened", "error"));
  EXPECT_FALSE(MatchPhrase("errors happened", "error"));
  EXPECT_FALSE(MatchPhrase("xerror", "error"));
  EXPECT_TRUE(MatchPhrase("a-error-b", "error"));
  EXPECT_TRUE(MatchPhrase("foo bar", "foo bar"));
  EXPECT_FALSE(MatchPhrase("xfoo bar", "foo bar"));
  EXPECT_FALSE(MatchPhrase("foo barx", "foo bar"));
  EXPECT_TRUE(MatchPhrase("xfoo bar", "xfoo bar"));
  EXPECT_TRUE(MatchPhrase("errors error", "error"));  // second occurrence matches
  EXPECT_TRUE(MatchPhrase("a: b", ": b"));             // non-word edges are not boundary-checked
  EXPECT_FALSE(MatchPhrase("\xC3\xA9rror", "rror"));  // é is a word char
  EXPECT_TRUE(MatchPrefix("errors", "err"));
  EXPECT_FALSE(MatchPrefix("xerr", "err"));
  EXPECT_TRUE(MatchPrefix("x foo barbaz", "foo bar"));
  EXPECT_TRUE(MatchPrefix("anything", ""));
  EXPECT_FALSE(MatchPrefix("", ""));
}

TEST_F(ExecuteTest, WordsAndPhrases) {
  EXPECT_EQ(Msgs("error"), (V{"a-error-b", "error happened"}));
  EXPECT_EQ(Msgs("\"foo bar\""), (V{"foo bar"}));
  EXPECT_EQ(Msgs("\"xfoo bar\""), (V{"xfoo bar"}));
  EXPECT_EQ(Msgs("err*"), (V{"a-error-b", "error happened", "errors happened", "\xC3\xA9rror unicode error\xC3\xA9"}));
  EXPECT_EQ(Msgs("i(error)"), (V{"Error upper", "a-error-b", "error happened"}));
  EXPECT_EQ(Msgs("unicode"), (V{"\xC3\xA9rror unicode error\xC3\xA9"}));
  EXPECT_EQ(Msgs("rror"), (V{}));
}

TEST_F(ExecuteTest, LogicalOperators) {
  EXPECT_EQ(Msgs("foo -xfoo"), (V{"foo bar", "foo barx"}));
  EXPECT_EQ(Msgs("error OR errors"), (V{"a-error-b", "error happened", "errors happened"}));
  EXPECT_EQ(Msgs("NOT (foo OR error OR errors OR unicode)"), (V{"Error upper", "xfoo bar"}));
  EXPECT_EQ(Msgs("level:info OR level:warn"), (V{"foo bar", "xfoo bar"}));
  EXPECT_EQ(Msgs("level:*"), (V{"foo bar", "xfoo bar"}));
  EXPECT_EQ(Msgs("level:\"\" {app=\"api\"}"), (V{"error happened", "errors happened"}));
  EXPECT_EQ(Msgs("level:=info"), (V{"foo bar"}));
  EXPECT_EQ(Msgs("~\"ors? hap\""), (V{"error happened", "errors happened"}));
}

TEST_F(ExecuteTest, StreamAndTimeFilters) {
  EXPECT_EQ(Msgs("{app=\"api\"} foo"), (V{"foo bar"}));
  EXPECT_EQ(Msgs("{env=\"\"}").size(), 4u);
  EXPECT_EQ(Msgs("{app=~\"w.b\"}").size(), 4u);
  EXPECT_EQ(Msgs("{app=~\"w\"}").size(), 0u);  // anchored
  EXPECT_EQ(Msgs("{app!~\"w.*\"} error"), (V{"error happened"}));
  EXPECT_EQ(Msgs("{app=\"web\" or env=\"\"} foo"), (V{"foo bar", "foo barx"}));
  EXPECT_EQ(Msgs("_time:[2025-01-01T00:00:01Z, 2025-01-01T00:00:03Z)"), (V{"errors happened", "foo bar"}));
  EXPECT_EQ(Msgs("_time:<=2025-01-01T00:00:00Z"), (V{"error happened"}));
  EXPECT_EQ(Msgs("_time:>2025-01-01T00:00:06Z"), (V{"\xC3\xA9rror unicode error\xC3\xA9"}));
  EXPECT_EQ(Msgs("_time:5m").size(), 0u);
  EXPECT_EQ(Msgs("_time:1h").size(), 8u);
}

TEST_F(ExecuteTest, LimitStopsSearchEarly) {
  auto q = ParseQuery("* | limit 1", 0);
  ASSERT_TRUE(q.ok());
  CollectSink sink;
  data_.visited = 0;
  ASSERT_TRUE(ExecuteQuery(data_, TenantID{}, *q.value(), sink, nullptr).ok());
  EXPECT_EQ(data_.visited, 1);
  EXPECT_EQ(std::count(sink.text.begin(), sink.text.end(), '\n'), 1);
}

TEST_F(ExecuteTest, BloomSkipsBlocks) {
  auto q = ParseQuery("unicode", 0);
  ASSERT_TRUE(q.ok());
  CollectSink sink;
  data_.visited = 0;
  ASSERT_TRUE(ExecuteQuery(data_, TenantID{}, *q.value(), sink, nullptr).ok());
  EXPECT_EQ(data_.visited, 1);
}

TEST_F(ExecuteTest, OtherTenantSeesNothing) {
  auto q = ParseQuery("* | count()", 0);
  CollectSink sink;
  ASSERT_TRUE(ExecuteQuery(data_, TenantID{1, 0}, *q.value(), sink, nullptr).ok());
  EXPECT_EQ(sink.text, "{\"count(*)\":\"0\"}\n");
}

TEST_F(ExecuteTest, Cancelled) {
  auto q = ParseQuery("*", 0);
  std::atomic<bool> cancelled{true};
  CollectSink sink;
  EXPECT_EQ(ExecuteQuery(data_, TenantID{}, *q.value(), sink, &cancelled).code(), Status::Code::kCancelled);
}

TEST_F(ExecuteTest, OutputColumnsOrder) {
  auto q = ParseQuery("\"foo bar\"", 0);
  CollectSink sink;
  ASSERT_TRUE(ExecuteQuery(data_, TenantID{}, *q.value(), sink, nullptr).ok());
  StreamID id = StreamID::Compute(TenantID{}, Tags({{"app", "api"}}));
  EXPECT_EQ(sink.text, "{\"_time\":\"2025-01-01T00:00:02Z\",\"_stream_id\":\"" + id.ToString() +
                           "\",\"_stream\":\"{app=\\\"api\\\"}\",\"_msg\":\"foo bar\",\"level\":\"info\"}\n");
}

TEST(JsonLinesTest, Escaping) {
  ResultBlock b;
  b.rows = 3;
  b.columns.push_back(ResultColumn::Strings("a", {"q\"b\\s\n\t\x01", "", "\xC3\xA9\xFF"}));
  b.columns.push_back(ResultColumn::Strings("b", {"", "", "x"}));
  std::string out;
  AppendJsonLines(b, &out);
  EXPECT_EQ(out, "{\"a\":\"q\\\"b\\\\s\\n\\t\\u0001\"}\n{\"a\":\"\xC3\xA9\xEF\xBF\xBD\",\"b\":\"x\"}\n");
}

}  // namespace
}  // namespace vl::logsql
