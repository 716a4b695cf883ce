// Bump allocation of short-lived bytes (the strings of one parsed entry): copies live in 64 KiB
// blocks that never move, so views into them stay valid until Reset().
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace vl {

class ByteArena {
 public:
  // A stable copy of `s`, valid until the next Reset().
  std::string_view Copy(std::string_view s) {
    char* p = Allocate(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }

  // `n` uninitialised bytes, valid until the next Reset().
  char* Allocate(size_t n) {
    if (n > kBlockBytes) {  // a big string gets a block of its own
      big_.push_back(std::unique_ptr<char[]>(new char[n]));
      return big_.back().get();
    }
    if (blocks_.empty() || kBlockBytes - used_ < n) {
      blocks_.push_back(std::unique_ptr<char[]>(new char[kBlockBytes]));
      used_ = 0;
    }
    char* p = blocks_.back().get() + used_;
    used_ += n;
    return p;
  }

  // Forgets every copy; keeps the first block for reuse.
  void Reset() {
    if (blocks_.size() > 1) blocks_.resize(1);
    big_.clear();
    used_ = 0;
  }

 private:
  static constexpr size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> big_;
  size_t used_ = 0;
};

}  // namespace vl
