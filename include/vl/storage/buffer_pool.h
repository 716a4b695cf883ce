// A bounded pool of byte buffers that keep their capacity between uses.
//
// The memtable holds each request's WAL payload (megabytes) until the next flush. Allocating a
// fresh payload for every request makes the kernel fault in and zero new pages each time, which
// cost more CPU than encoding the rows (page faults are expensive on virtual machines). Payloads
// freed by a flush come back here and the next requests encode into their resident pages.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

namespace vl::storage {

class BufferPool {
 public:
  // Holds at most `max_bytes` of capacity; buffers beyond it are freed when returned.
  explicit BufferPool(size_t max_bytes) : max_bytes_(max_bytes) {}

  // An empty buffer, with the capacity of a returned one when there is one.
  std::string Take();
  // Gives a buffer back for reuse (its contents are dropped).
  void Return(std::string buffer);
  // Frees every pooled buffer (e.g. when ingestion goes idle).
  void Clear();
  size_t pooled_bytes() const;

 private:
  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::vector<std::string> free_;
  size_t bytes_ = 0;
};

}  // namespace vl::storage
