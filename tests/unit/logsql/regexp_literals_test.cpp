// The literals a regexp filter looks for before running RE2 must be in every match: a wrong one
// would silently drop matching rows.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include "../../../src/logsql/filters/regexp_literals.h"

namespace vl::logsql::filters {
namespace {

using Strings = std::vector<std::string>;

TEST(RegexpLiterals, RunsEveryMatchContains) {
  EXPECT_EQ(RequiredLiterals("EOF after [0-9]+ bytes"), (Strings{"EOF after ", " bytes"}));
  EXPECT_EQ(RequiredLiterals("error"), (Strings{"error"}));
  EXPECT_EQ(RequiredLiterals("colou?r"), (Strings{"colo", "r"}));
  EXPECT_EQ(RequiredLiterals("ab+c"), (Strings{"ab", "c"}));
  EXPECT_EQ(RequiredLiterals("a.b*c"), (Strings{"a", "c"}));
  EXPECT_EQ(RequiredLiterals("x{2,3}yz"), (Strings{"yz"}));
  EXPECT_EQ(RequiredLiterals("caf\xC3\xA9?s"), (Strings{"caf", "s"}));  // é optional: no half of it
  EXPECT_EQ(RequiredLiterals("1\\.2\\.3"), (Strings{"1.2.3"}));
  EXPECT_EQ(RequiredLiterals("id=\\d+ ok"), (Strings{"id=", " ok"}));
  EXPECT_EQ(RequiredLiterals("get (users|orders) done"), (Strings{"get ", " done"}));
  EXPECT_EQ(RequiredLiterals("[]x] tail"), (Strings{" tail"}));
  EXPECT_EQ(RequiredLiterals("\\p{Greek}+ word"), (Strings{" word"}));
  // Nothing is required, or the pattern is out of this scanner's depth.
  EXPECT_TRUE(RequiredLiterals("warn|error").empty());
  EXPECT_TRUE(RequiredLiterals("(?i)error").empty());
  EXPECT_TRUE(RequiredLiterals("\\Qa.b\\E").empty());
  EXPECT_TRUE(RequiredLiterals("(a)\\1").empty());
  EXPECT_TRUE(RequiredLiterals("[0-9]+").empty());
}

TEST(RegexpLiterals, WordsAreWholeTokens) {
  EXPECT_EQ(RequiredWords({"EOF after ", " bytes"}), (Strings{"after"}));
  EXPECT_EQ(RequiredWords({"error"}), Strings{});
  EXPECT_EQ(RequiredWords({" connection refused: "}), (Strings{"connection", "refused"}));
  EXPECT_EQ(RequiredWords({"a b c"}), (Strings{"b"}));
}

TEST(RegexpLiterals, NeverMissAMatch) {
  const char* patterns[] = {"EOF after [0-9]+ bytes", "colou?r", "ab+c", "a.b*c", "x{2,3}yz",
                            "id=\\d+ ok", "get (users|orders) done", "1\\.2\\.3", "ca+t?s",
                            "^start", "end$", "[a-c]x?y+z"};
  const char* values[] = {"EOF after 12 bytes", "xEOF after 7 bytes!", "color", "colour", "colr", "abbbc",
                          "a-c", "axbbc", "xxyz", "xxxyz", "id=42 ok", "get users done",
                          "get orders done", "v1.2.3", "1x2x3", "cats", "caaas", "start here",
                          "the end", "ayyz", "bxyz", "cz", ""};
  for (const char* p : patterns) {
    RE2 re(p);
    ASSERT_TRUE(re.ok()) << p;
    const auto lits = RequiredLiterals(p);
    for (const char* v : values) {
      if (!RE2::PartialMatch(v, re)) continue;
      for (const auto& l : lits) EXPECT_NE(std::string_view(v).find(l), std::string_view::npos) << p << " on " << v;
    }
  }
}

}  // namespace
}  // namespace vl::logsql::filters
