#include "vl/logsql/uniq_set.h"

#include <cstring>
#include <utility>
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace vl::logsql {

uint64_t UniqSet::Hash(std::string_view v) { return XXH3_64bits(v.data(), v.size()); }

void UniqSet::Insert(std::string_view v) { InsertHashed(v, Hash(v), true); }

void UniqSet::Merge(UniqSet&& other) {
  if (other.size_ == 0) return;
  if (size_ < other.size_) std::swap(*this, other);
  for (auto& c : other.chunks_) chunks_.push_back(std::move(c));
  chunk_big_ = true;  // the last chunk is now other's: start a fresh one on the next store
  for (const Slot& s : other.slots_)
    if (s.ptr) {
      const std::string_view v(s.ptr, s.len);
      InsertHashed(v, Hash(v), false);
    }
  other = UniqSet();
}

void UniqSet::InsertHashed(std::string_view v, uint64_t h, bool copy) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  const auto tag = static_cast<uint32_t>(h >> 32);
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (!s.ptr) {
      s.tag = tag;
      s.len = static_cast<uint32_t>(v.size());
      s.ptr = copy ? Store(v) : v.data();
      size_++;
      return;
    }
    if (s.tag == tag && s.len == v.size() && std::memcmp(s.ptr, v.data(), v.size()) == 0) return;
  }
}

void UniqSet::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.ptr) continue;
    size_t i = Hash(std::string_view(s.ptr, s.len)) & mask;
    while (slots_[i].ptr) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

const char* UniqSet::Store(std::string_view v) {
  static constexpr size_t kChunk = 64 << 10;
  if (v.size() > kChunk / 4) {
    chunks_.push_back(std::make_unique<char[]>(v.size() + 1));
    std::memcpy(chunks_.back().get(), v.data(), v.size());
    chunk_big_ = true;
    return chunks_.back().get();
  }
  if (chunks_.empty() || chunk_used_ + v.size() > kChunk || chunk_big_) {
    chunks_.push_back(std::make_unique<char[]>(kChunk));
    chunk_used_ = 0;
    chunk_big_ = false;
  }
  char* p = chunks_.back().get() + chunk_used_;
  if (!v.empty()) std::memcpy(p, v.data(), v.size());  // an empty view may hold a null pointer
  chunk_used_ += v.size();
  return p;
}

}  // namespace vl::logsql
