#include "vl/common/bytes_equal.h"

#include <gtest/gtest.h>

#include <string>

namespace vl {
namespace {

// Every length around the 4/8/16-byte load boundaries, with a difference at every position.
TEST(BytesEqualTest, AgreesWithStringCompareAtEveryLengthAndPosition) {
  for (size_t n = 0; n <= 40; n++) {
    std::string a(n, 'x');
    for (size_t i = 0; i < n; i++) a[i] = static_cast<char>('a' + (i * 7) % 26);
    std::string b = a;
    EXPECT_TRUE(BytesEqual(a, b)) << n;
    for (size_t pos = 0; pos < n; pos++) {
      std::string c = a;
      c[pos] = static_cast<char>(c[pos] ^ 0x20);
      EXPECT_FALSE(BytesEqual(a, c)) << "length " << n << " position " << pos;
    }
    EXPECT_FALSE(BytesEqual(a, a + "z")) << n;
  }
}

TEST(BytesEqualTest, ComparesBytesNotTerminators) {
  const std::string a("ab\0cd\0ef\0", 9), b("ab\0cd\0eg\0", 9);
  EXPECT_TRUE(BytesEqual(a, std::string(a)));
  EXPECT_FALSE(BytesEqual(a, b));
}

}  // namespace
}  // namespace vl
