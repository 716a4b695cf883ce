// The order sort, first/last, min/max, uniq_values and top ties put values in.
#include <gtest/gtest.h>

#include "../../../src/logsql/value_order.h"

namespace vl::logsql {
namespace {

TEST(ValueOrder, NaturalText) {
  EXPECT_LT(CompareNatural("file2", "file10"), 0);
  EXPECT_LT(CompareNatural("10.0.0.9", "10.0.0.10"), 0);
  EXPECT_LT(CompareNatural("", "a"), 0);
  EXPECT_LT(CompareNatural("a1", "a-"), 0);      // a digit sorts before any other byte
  EXPECT_LT(CompareNatural("a1", "a01"), 0);     // equal numbers: fewer leading zeros first
  EXPECT_GT(CompareNatural("a19", "a2x"), 0);  // 19 > 2
  EXPECT_LT(CompareNatural("abc", "abd"), 0);
  EXPECT_LT(CompareNatural("ab", "abc"), 0);
  EXPECT_EQ(CompareNatural("x12y", "x12y"), 0);
  EXPECT_LT(CompareNatural("x12y", "x12z"), 0);
  EXPECT_GT(CompareNatural("v1.10", "v1.9"), 0);
}

TEST(ValueOrder, NumbersByValue) {
  EXPECT_LT(CompareValues("9", "10"), 0);
  EXPECT_LT(CompareValues("-5", "3"), 0);
  EXPECT_LT(CompareValues("1.5", "10"), 0);
  EXPECT_LT(CompareValues("1KB", "2000"), 0);
  EXPECT_LT(CompareValues("1s", "1500ms"), 0);
  EXPECT_LT(CompareValues("2024-01-02T00:00:00Z", "2024-01-02T00:00:00.5Z"), 0);
  EXPECT_LT(CompareValues("2", "abc"), 0);
}

}  // namespace
}  // namespace vl::logsql
