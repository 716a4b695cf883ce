#include <gtest/gtest.h>

#include "vl/common/stream.h"
#include "vl/common/tokenizer.h"
#include "vl/common/varint.h"

namespace vl {
namespace {

TEST(Tokenizer, SplitsOnNonWordChars) {
  EXPECT_EQ(Tokenize("GET /api/v1/users?id=42 HTTP/1.1"),
            (std::vector<std::string>{"GET", "api", "v1", "users", "id", "42", "HTTP", "1"}));
  EXPECT_EQ(Tokenize("foo_bar-baz"), (std::vector<std::string>{"foo_bar", "baz"}));
  EXPECT_TRUE(Tokenize("  ,;  ").empty());
}

TEST(Tokenizer, UnicodeLettersAreWordChars) {
  EXPECT_EQ(Tokenize("ошибка: файл — не найден"),
            (std::vector<std::string>{"ошибка", "файл", "не", "найден"}));
  EXPECT_EQ(Tokenize("错误 😀 ok"), (std::vector<std::string>{"错误", "ok"}));
}

// ForEachToken's byte-class fast path must split exactly like a walk with IsWordCharAt over
// every byte: random mixes of ASCII, multi-byte letters, symbols and invalid UTF-8.
TEST(Tokenizer, FastPathMatchesPerCharacterDefinition) {
  const std::vector<std::string> pieces = {"a", "Z", "9", "_", " ", "-", "/", "\xff", "\xc3",
                                           "é", "ж", "错", "😀", "—", "\xe2\x80", "\x80", "\t"};
  uint64_t seed = 42;
  auto next = [&] { return seed = seed * 6364136223846793005ULL + 1442695040888963407ULL; };
  for (int round = 0; round < 2000; round++) {
    std::string s;
    for (int i = static_cast<int>(next() >> 60); i >= 0; i--) s += pieces[(next() >> 33) % pieces.size()];
    std::vector<std::string> want;
    for (size_t i = 0, start = 0; i <= s.size();) {
      size_t len = 1;
      const bool word = i < s.size() && IsWordCharAt(s, i, &len);
      if (!word) {
        if (i > start) want.push_back(s.substr(start, i - start));
        i += len;
        start = i;
      } else {
        i += len;
      }
    }
    std::vector<std::string> got;
    ForEachToken(s, [&](std::string_view t) { got.emplace_back(t); });
    ASSERT_EQ(got, want) << "input: " << s;
  }
}

TEST(Tokenizer, Boundaries) {
  std::string_view s = "xerror error_x error";
  EXPECT_FALSE(IsTokenBoundaryBefore(s, 1));
  EXPECT_TRUE(IsTokenBoundaryBefore(s, 7));
  EXPECT_FALSE(IsTokenBoundaryAfter(s, 12));
  EXPECT_TRUE(IsTokenBoundaryAfter(s, s.size()));
}

TEST(Varint, RoundTrip) {
  std::string buf;
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, ~0ull}) AppendVarint(v, &buf);
  std::string_view in = buf;
  for (uint64_t want : {0ull, 1ull, 127ull, 128ull, 300ull, ~0ull}) {
    uint64_t got;
    ASSERT_TRUE(ReadVarint(&in, &got));
    EXPECT_EQ(got, want);
  }
  EXPECT_TRUE(in.empty());
  std::string_view truncated = "\x80";
  uint64_t v;
  EXPECT_FALSE(ReadVarint(&truncated, &v));
}

TEST(StreamTags, CanonicalOrderAndString) {
  StreamTags t;
  t.Add("host", "h1");
  t.Add("app", "nginx \"x\"");
  t.Add("empty", "");
  t.Canonicalize();
  EXPECT_EQ(t.ToString(), R"({app="nginx \"x\"",host="h1"})");
  StreamTags back;
  ASSERT_TRUE(StreamTags::UnmarshalCanonical(t.MarshalCanonical(), &back));
  EXPECT_EQ(back, t);
  EXPECT_EQ(StreamTags().ToString(), "{}");
}

TEST(StreamID, StableTenantScopedAndParsable) {
  StreamTags a, b;
  a.Add("app", "x");
  a.Add("host", "y");
  b.Add("host", "y");
  b.Add("app", "x");
  a.Canonicalize();
  b.Canonicalize();
  StreamID ia = StreamID::Compute({0, 0}, a);
  EXPECT_EQ(ia, StreamID::Compute({0, 0}, b));
  StreamID other_tenant = StreamID::Compute({1, 2}, a);
  EXPECT_NE(ia, other_tenant);
  EXPECT_EQ(ia.hi, other_tenant.hi);
  const std::string text = other_tenant.ToString();
  ASSERT_EQ(text.size(), 48u);
  EXPECT_EQ(text.substr(0, 16), "0000000100000002");
  StreamID parsed;
  ASSERT_TRUE(StreamID::Parse(text, &parsed));
  EXPECT_EQ(parsed, other_tenant);
  EXPECT_FALSE(StreamID::Parse("xyz", &parsed));
}

}  // namespace
}  // namespace vl
