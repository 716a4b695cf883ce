#include "vl/storage/buffer_pool.h"

#include <gtest/gtest.h>

namespace vl::storage {
namespace {

TEST(BufferPoolTest, ReturnedBufferComesBackEmptyWithItsCapacity) {
  BufferPool pool(1 << 20);
  std::string b = pool.Take();
  b.assign(100000, 'x');
  const size_t cap = b.capacity();
  pool.Return(std::move(b));
  EXPECT_EQ(pool.pooled_bytes(), cap);
  std::string again = pool.Take();
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(again.capacity(), cap);
  EXPECT_EQ(pool.pooled_bytes(), 0u);
}

TEST(BufferPoolTest, KeepsNoMoreThanItsBound) {
  BufferPool pool(150000);
  for (int i = 0; i < 3; i++) {
    std::string b(100000, 'x');
    pool.Return(std::move(b));
  }
  EXPECT_LE(pool.pooled_bytes(), 150000u);
  EXPECT_GT(pool.pooled_bytes(), 0u);
  pool.Clear();
  EXPECT_EQ(pool.pooled_bytes(), 0u);
  EXPECT_EQ(pool.Take().capacity(), std::string().capacity());
}

}  // namespace
}  // namespace vl::storage
