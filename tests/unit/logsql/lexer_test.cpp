#include <gtest/gtest.h>

#include "vl/logsql/lexer.h"

namespace vl::logsql {
namespace {

TEST(LexerTest, BareQuotedPunct) {
  auto r = Lex("foo.bar \"a\\\"b\" 'c\\'d' `e\\f` != =~ >= ( |");
  ASSERT_TRUE(r.ok());
  const auto& t = r.value();
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].kind, Token::Kind::kBare);
  EXPECT_EQ(t[0].text, "foo.bar");
  EXPECT_EQ(t[1].kind, Token::Kind::kQuoted);
  EXPECT_EQ(t[1].text, "a\"b");
  EXPECT_EQ(t[2].text, "c'd");
  EXPECT_EQ(t[3].text, "e\\f");  // backquotes are raw
  EXPECT_TRUE(t[4].IsPunct("!="));
  EXPECT_TRUE(t[5].IsPunct("=~"));
  EXPECT_TRUE(t[6].IsPunct(">="));
  EXPECT_TRUE(t[7].IsPunct("("));
  EXPECT_TRUE(t[8].IsPunct("|"));
  EXPECT_EQ(t[9].kind, Token::Kind::kEnd);
}

TEST(LexerTest, SpacesAndComments) {
  auto r = Lex("a-b # comment\nc");
  ASSERT_TRUE(r.ok());
  const auto& t = r.value();
  ASSERT_EQ(t.size(), 5u);
  EXPECT_FALSE(t[1].space_before);  // '-' glued to 'a'
  EXPECT_FALSE(t[2].space_before);
  EXPECT_EQ(t[3].text, "c");
  EXPECT_TRUE(t[3].space_before);  // the comment counts as whitespace
  EXPECT_EQ(t[3].pos, 14u);
}

TEST(LexerTest, Escapes) {
  auto r = Lex(R"("\n\t\x41\u00e9")");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()[0].text, "\n\tA\xC3\xA9");
}

TEST(LexerTest, UnterminatedQuote) {
  auto r = Lex("foo \"bar");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing closing quote at position 5"), std::string::npos);
}

TEST(LexerTest, KeywordsCaseInsensitive) {
  auto r = Lex("AND Or \"and\"");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value()[0].IsKeyword("and"));
  EXPECT_TRUE(r.value()[1].IsKeyword("or"));
  EXPECT_FALSE(r.value()[2].IsKeyword("and"));
}

TEST(LexerTest, QuoteRoundTrip) {
  for (std::string s : {"plain", "with space", "q\"uote", "back\\slash", "ctl\x01\n", "utf8 \xC3\xA9"}) {
    auto r = Lex(QuoteLogsql(s));
    ASSERT_TRUE(r.ok()) << s;
    EXPECT_EQ(r.value()[0].text, s);
  }
  EXPECT_EQ(QuoteIfNeeded("foo"), "foo");
  EXPECT_EQ(QuoteIfNeeded("or"), "\"or\"");
  EXPECT_EQ(QuoteIfNeeded("limit"), "\"limit\"");
  EXPECT_EQ(QuoteIfNeeded("a-b"), "\"a-b\"");
  EXPECT_EQ(QuoteIfNeeded(""), "\"\"");
}

}  // namespace
}  // namespace vl::logsql
