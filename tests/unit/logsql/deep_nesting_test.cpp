// Queries from untrusted clients may nest without bound: none may take the process down.
// Redundant parentheses and NOT chains of any depth parse (they add no tree level); a tree that
// is really deeper than the limit is refused with the position; whatever parses is printed,
// cloned, simplified, evaluated and destroyed without deep recursion.
#include <gtest/gtest.h>

#include "../../golden/collect_sink.h"
#include "../../golden/mem_searchable.h"
#include "vl/common/time_util.h"
#include "vl/logsql/executor.h"
#include "vl/logsql/query.h"

namespace vl::logsql {
namespace {

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Runs the query over two rows and returns the matching messages (or the parse error).
std::string Answer(const std::string& q) {
  auto parsed = ParseQuery(q, 0);
  if (!parsed.ok()) return "ERROR: " + parsed.status().message();
  testing::MemSearchable data;
  for (const char* msg : {"alpha beta", "gamma"}) {
    LogRow row;
    row.timestamp = 1;
    row.fields.push_back({"_msg", msg});
    row.stream_id = StreamID::Compute(row.tenant, row.stream_tags);
    data.Add(std::move(row));
  }
  data.Finish();
  test_support::CollectSink sink;
  Status s = ExecuteQuery(data, TenantID{}, **parsed, sink, nullptr);
  if (!s.ok()) return "EXEC ERROR: " + s.ToString();
  // The canonical text parses back to the same text, and a clone prints the same.
  std::string canon = (*parsed)->ToString();
  auto again = ParseQuery(canon, 0);
  EXPECT_TRUE(again.ok()) << canon.substr(0, 200);
  if (again.ok()) {
    EXPECT_EQ((*again)->ToString(), canon);
  }
  return sink.text;
}

TEST(DeepNesting, HundredThousandParenthesesParse) {
  const size_t n = 100'000;
  EXPECT_EQ(Answer(Repeat("(", n) + "alpha" + Repeat(")", n)), Answer("alpha"));
  EXPECT_EQ(Answer("gamma OR " + Repeat("(", n) + "alpha beta" + Repeat(")", n)), Answer("gamma OR alpha"));
  EXPECT_EQ(Answer("_msg:" + Repeat("(", n) + "gamma" + Repeat(")", n)), Answer("gamma"));
  EXPECT_EQ(Answer("* | filter " + Repeat("(", n) + "gamma" + Repeat(")", n)), Answer("gamma"));
}

TEST(DeepNesting, HundredThousandNotsParse) {
  EXPECT_EQ(Answer(Repeat("NOT ", 100'000) + "alpha"), Answer("alpha"));
  EXPECT_EQ(Answer(Repeat("!", 100'001) + "alpha"), Answer("!alpha"));
  EXPECT_EQ(Answer(Repeat("-(", 50'000) + "alpha" + Repeat(")", 50'000)), Answer("alpha"));
}

// `a (b OR (c (d OR ...)))`: every level is a real AND or OR node.
std::string Alternating(size_t levels) {
  std::string q;
  for (size_t i = 0; i < levels; ++i) q += i % 2 ? "x OR (" : "y (";
  q += "alpha";
  for (size_t i = 0; i < levels; ++i) q += ")";
  return q;
}

TEST(DeepNesting, DeepTreesUpToTheLimitWork) {
  std::string got = Answer(Alternating(900));
  EXPECT_EQ(got.find("ERROR"), std::string::npos) << got.substr(0, 300);
}

TEST(DeepNesting, DeeperTreesAreRefusedWithAPosition) {
  for (size_t levels : {1'100, 100'000}) {
    std::string got = Answer(Alternating(levels));
    EXPECT_EQ(got.rfind("ERROR: ", 0), 0u) << levels;
    EXPECT_NE(got.find("nested deeper than 1000 levels"), std::string::npos) << got.substr(0, 300);
    EXPECT_NE(got.find("at position"), std::string::npos) << got.substr(0, 300);
  }
}

TEST(DeepNesting, UnbalancedParenthesesAreErrors) {
  EXPECT_NE(Answer(Repeat("(", 100'000) + "alpha").find("expected ')'"), std::string::npos);
  EXPECT_NE(Answer("alpha" + Repeat(")", 100'000)).find("ERROR"), std::string::npos);
}

}  // namespace
}  // namespace vl::logsql

namespace vl::logsql {
namespace {

// Inputs the fuzzer (scripts/fuzz.sh) found; each once broke a property it checks.
TEST(FuzzFindings, CommentInsideTimeFilterRoundTrips) {
  // The canonical text of a time filter was its source span with spaces squeezed: a `#`
  // comment in it then commented out the rest of the canonical query.
  const std::string q = "_time:<\n\n#\n\n666666665 s";
  auto parsed = ParseQuery(q, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::string canon = (*parsed)->ToString();
  EXPECT_EQ(canon, "_time:< 666666665 s");
  auto again = ParseQuery(canon, 0);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->ToString(), canon);
}

}  // namespace
}  // namespace vl::logsql

namespace vl::logsql {
namespace {

TEST(FuzzFindings, AndedStreamFiltersDoNotMultiply) {
  // Merging k ANDed stream filters of two OR groups each made 2^k groups: a 1.6 KB query took
  // seconds and printed megabytes.
  std::string q;
  for (int i = 0; i < 40; ++i) q += "{app=\"a" + std::to_string(i) + "\" or app=\"b\"} ";
  auto parsed = ParseQuery(q, 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::string canon = (*parsed)->ToString();
  EXPECT_LT(canon.size(), 10 * q.size());  // linear: the first filter merges up to 64 groups
  auto again = ParseQuery(canon, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->ToString(), canon);
  // Still one filter when the product is small.
  auto small = ParseQuery("{a=\"1\" or a=\"2\"} {b=\"3\" or b=\"4\"}", 0);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ((*small)->ToString(), "{a=\"1\",b=\"3\" or a=\"1\",b=\"4\" or a=\"2\",b=\"3\" or a=\"2\",b=\"4\"}");
}

}  // namespace
}  // namespace vl::logsql

namespace vl::logsql {
namespace {

TEST(ParseErrors, LongQueriesAreEchoedCutShort) {
  const std::string q = std::string(200'000, '(') + "alpha";
  auto parsed = ParseQuery(q, 0);
  ASSERT_FALSE(parsed.ok());
  const std::string& msg = parsed.status().message();
  EXPECT_LT(msg.size(), 1200u);
  EXPECT_NE(msg.find("...]"), std::string::npos) << msg.substr(0, 100);
  EXPECT_NE(msg.find("at position 200006"), std::string::npos) << msg.substr(msg.size() - 200);
}

}  // namespace
}  // namespace vl::logsql

namespace vl::logsql {
namespace {

TEST(DeepNesting, SubqueriesNestAtMostTenDeep) {
  auto nested = [](int levels) {
    std::string q = "x";
    for (int i = 0; i < levels; ++i) q = "x:in(" + q + " | fields x)";
    return q;
  };
  EXPECT_EQ(Answer(nested(10)), "");  // parses and runs: no row has x
  EXPECT_NE(Answer(nested(11)).find("subqueries are nested deeper than 10 levels"), std::string::npos);
  // 100k nested `in(` must be refused, not recursed into.
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "x:in(";
  auto parsed = ParseQuery(deep, 0);
  ASSERT_FALSE(parsed.ok());
}

}  // namespace
}  // namespace vl::logsql
