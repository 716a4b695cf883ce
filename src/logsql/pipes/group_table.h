// Internal: the groups of a `stats` pipe by key. Open addressing over 16-byte slots (the key's
// hash and the group's index); groups in a deque, so a group's address stays valid while others
// are added; keys copied into 64 KiB chunks. Against a node-based hash map this saves two
// allocations and a pointer chase per group, which is what high-cardinality `stats by`, `top`
// and `uniq` spend their time on.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

namespace vl::logsql {

template <typename Value>
class GroupTable {
 public:
  struct Entry {
    std::string_view key;
    uint64_t hash;
    Value value;
  };

  static uint64_t Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // The entry of `key` (whose Hash is `h`), or nullptr.
  Entry* Find(std::string_view key, uint64_t h) {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.index == kEmpty) return nullptr;
      if (s.hash == h) {
        Entry& e = entries_[s.index];
        if (e.key == key) return &e;
      }
    }
  }

  // Adds `key`, which must not be present; the key bytes are copied.
  Entry& Insert(std::string_view key, uint64_t h, Value&& value) {
    if ((entries_.size() + 1) * 2 > slots_.size()) Grow();
    entries_.push_back(Entry{StoreKey(key), h, std::move(value)});
    Place(h, static_cast<uint32_t>(entries_.size() - 1));
    return entries_.back();
  }

  void Reserve(size_t n) {
    while (n * 2 > slots_.size()) Grow();
  }

  template <typename F>
  void ForEach(F&& f) {
    for (auto& e : entries_) f(e);
  }
  template <typename F>
  void ForEach(F&& f) const {
    for (const auto& e : entries_) f(e);
  }

  void Clear() { *this = GroupTable(); }
  void Swap(GroupTable& other) {
    slots_.swap(other.slots_);
    entries_.swap(other.entries_);
    chunks_.swap(other.chunks_);
    std::swap(chunk_, other.chunk_);
    std::swap(chunk_used_, other.chunk_used_);
  }

  // Bytes of the slot table and key chunks (entries are counted by the caller).
  size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot) + chunks_.size() * kChunk; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static constexpr size_t kChunk = 64 << 10;
  struct Slot {
    uint64_t hash = 0;
    uint32_t index = kEmpty;
  };

  void Place(uint64_t h, uint32_t index) {
    const size_t mask = slots_.size() - 1;
    size_t i = h & mask;
    while (slots_[i].index != kEmpty) i = (i + 1) & mask;
    slots_[i] = Slot{h, index};
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.index != kEmpty) Place(s.hash, s.index);
    }
  }
  std::string_view StoreKey(std::string_view key) {
    if (key.empty()) return {};
    if (key.size() > kChunk / 4) {  // a big key gets a chunk of its own
      chunks_.push_back(std::make_unique<char[]>(key.size()));
      std::memcpy(chunks_.back().get(), key.data(), key.size());
      return std::string_view(chunks_.back().get(), key.size());
    }
    if (!chunk_ || chunk_used_ + key.size() > kChunk) {
      chunks_.push_back(std::make_unique<char[]>(kChunk));
      chunk_ = chunks_.back().get();
      chunk_used_ = 0;
    }
    char* p = chunk_ + chunk_used_;
    std::memcpy(p, key.data(), key.size());
    chunk_used_ += key.size();
    return std::string_view(p, key.size());
  }

  std::vector<Slot> slots_;
  std::deque<Entry> entries_;
  std::vector<std::unique_ptr<char[]>> chunks_;
  char* chunk_ = nullptr;  // the chunk small keys go into
  size_t chunk_used_ = 0;
};

}  // namespace vl::logsql
