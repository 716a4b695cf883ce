// block_stats reports each column of a block in the form it arrived: one row per column.
#include <gtest/gtest.h>

#include "vl/logsql/logsql.h"

namespace vl::logsql {
namespace {

std::string Row(const ResultBlock& b, size_t r) {
  std::string out;
  for (const auto& c : b.columns) {
    if (!out.empty()) out += ' ';
    out += c.name + "=" + std::string(c.at(r));
  }
  return out;
}

TEST(BlockStatsTest, OneRowPerColumnWithItsForm) {
  auto q = ParseQuery("* | block_stats", 0);
  ASSERT_TRUE(q.ok()) << q.status().message();
  const Pipe& pipe = *q.value()->pipes()[0];
  EXPECT_EQ(pipe.String(), "block_stats");
  ASSERT_TRUE(pipe.IsRowWise());

  ResultBlock in;
  in.rows = 3;
  in.columns.push_back(ResultColumn::Timestamps("_time", {1, 2, 3}));
  in.columns.push_back(ResultColumn::Const("app", "api", 3));
  auto dict = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"info", "warn"});
  in.columns.push_back(ResultColumn::Dict("level", dict, {0, 1, 0}));
  in.columns.push_back(ResultColumn::Strings("_msg", {"a", "bc", ""}));
  ResultColumn n = ResultColumn::Strings("n", {"1", "2", "3"});
  n.SetNumbers({1, 2, 3});
  in.columns.push_back(std::move(n));

  ResultBlock out = pipe.Apply(std::move(in));
  ASSERT_EQ(out.rows, 5u);
  EXPECT_EQ(Row(out, 0), "field=_time type=time values_bytes=24 bloom_bytes=0 dict_items=0 dict_bytes=0 rows=3 part_path=");
  EXPECT_EQ(Row(out, 1), "field=app type=const values_bytes=3 bloom_bytes=0 dict_items=0 dict_bytes=0 rows=3 part_path=");
  EXPECT_EQ(Row(out, 2), "field=level type=dict values_bytes=3 bloom_bytes=0 dict_items=2 dict_bytes=8 rows=3 part_path=");
  EXPECT_EQ(Row(out, 3), "field=_msg type=string values_bytes=3 bloom_bytes=0 dict_items=0 dict_bytes=0 rows=3 part_path=");
  EXPECT_EQ(Row(out, 4), "field=n type=numeric values_bytes=24 bloom_bytes=0 dict_items=0 dict_bytes=0 rows=3 part_path=");
}

TEST(BlockStatsTest, EmptyBlockGivesNoRows) {
  auto q = ParseQuery("* | block_stats", 0);
  ASSERT_TRUE(q.ok());
  ResultBlock in;
  EXPECT_EQ(q.value()->pipes()[0]->Apply(std::move(in)).rows, 0u);
}

}  // namespace
}  // namespace vl::logsql
