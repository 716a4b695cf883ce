// An exact set of distinct strings for count_uniq: open addressing over 16-byte slots (a
// pointer, the length and 32 bits of the hash), the bytes in an arena of 64 KiB chunks.
//
// At 10M rows, `count_uniq(trace_id)` holds millions of distinct ids; 24-byte slots with the full
// hash took the query to 388 MiB. The full hash is recomputed when the table grows instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace vl::logsql {

class UniqSet {
 public:
  size_t size() const { return size_; }
  // Heap bytes held: the slot table and the arena chunks.
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot) + chunks_.size() * (64 << 10); }
  void Insert(std::string_view v);
  // Takes `other`'s arena and entries; `other` is left empty.
  void Merge(UniqSet&& other);
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_)
      if (s.ptr) f(std::string_view(s.ptr, s.len));
  }

 private:
  struct Slot {
    const char* ptr = nullptr;  // nullptr = empty slot
    uint32_t len = 0;
    uint32_t tag = 0;  // the hash's high 32 bits: most mismatches end here
  };
  static uint64_t Hash(std::string_view v);
  void InsertHashed(std::string_view v, uint64_t h, bool copy);
  void Grow();
  const char* Store(std::string_view v);

  std::vector<Slot> slots_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_used_ = 0;
  bool chunk_big_ = false;  // the last chunk holds one big value: start a new one
};

}  // namespace vl::logsql
