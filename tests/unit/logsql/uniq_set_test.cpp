#include "vl/logsql/uniq_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

namespace vl::logsql {
namespace {

std::string RandomValue(std::mt19937_64& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string v;
  const size_t len = rng() % 200 == 0 ? 17000 + rng() % 100 : rng() % 40;  // a few above the arena's big-value cut
  for (size_t i = 0; i < len; i++) v.push_back(kHex[rng() % 4]);  // few letters: many repeats
  return v;
}

std::set<std::string> Contents(const UniqSet& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view v) { EXPECT_TRUE(out.emplace(v).second) << "listed twice: " << v; });
  return out;
}

// Through many growths, and merged from two halves: exactly the distinct values, each once.
TEST(UniqSet, MatchesAnOrderedSetThroughGrowthAndMerge) {
  std::mt19937_64 rng(11);
  std::set<std::string> want;
  UniqSet a, b;
  for (int i = 0; i < 60000; i++) {
    std::string v = RandomValue(rng);
    want.insert(v);
    (i % 3 ? a : b).Insert(v);
    if (i % 1000 == 0) {
      a.Insert(v);  // repeats of the same value in both halves
      b.Insert(v);
    }
  }
  const size_t a_size = a.size();
  EXPECT_EQ(Contents(a).size(), a_size);
  a.Merge(std::move(b));
  EXPECT_EQ(b.size(), 0u);
  EXPECT_EQ(a.size(), want.size());
  EXPECT_EQ(Contents(a), want);
  a.Merge(UniqSet());
  EXPECT_EQ(a.size(), want.size());
}

}  // namespace
}  // namespace vl::logsql
