#include "vl/storage/buffer_pool.h"

#include <utility>

namespace vl::storage {

std::string BufferPool::Take() {
  std::lock_guard<std::mutex> lk(mu_);
  if (free_.empty()) return std::string();
  std::string out = std::move(free_.back());
  free_.pop_back();
  bytes_ -= out.capacity();
  return out;
}

void BufferPool::Return(std::string buffer) {
  buffer.clear();
  std::lock_guard<std::mutex> lk(mu_);
  if (bytes_ + buffer.capacity() > max_bytes_) return;  // freed on leaving scope
  bytes_ += buffer.capacity();
  free_.push_back(std::move(buffer));
}

void BufferPool::Clear() {
  std::vector<std::string> drop;
  {
    std::lock_guard<std::mutex> lk(mu_);
    drop.swap(free_);
    bytes_ = 0;
  }
}

size_t BufferPool::pooled_bytes() const {
  std::lock_guard<std::mutex> lk(mu_);
  return bytes_;
}

}  // namespace vl::storage
