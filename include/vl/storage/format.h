// Low-level helpers of the storage engine: varints, byte buffers, zstd, files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vl/common/status.h"

namespace vl::storage {

void PutVarint(std::string* out, uint64_t v);
void PutZigzag(std::string* out, int64_t v);
void PutString(std::string* out, std::string_view s);  // varint length + bytes
void PutFixed32(std::string* out, uint32_t v);
void PutFixed64(std::string* out, uint64_t v);
uint32_t LoadFixed32(const char* p);
uint64_t LoadFixed64(const char* p);

// Sequential reader over a byte range; every getter returns false on truncated input.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool Varint(uint64_t* v);
  bool Zigzag(int64_t* v);
  bool String(std::string_view* s);
  bool Bytes(size_t n, std::string_view* s);
  bool Fixed64(uint64_t* v);
  bool empty() const { return pos_ >= data_.size(); }
  size_t pos() const { return pos_; }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Compressed chunk: 1 byte method (0 raw, 1 zstd) + varint raw size + payload.
void CompressChunk(std::string_view raw, int level, std::string* out);
bool DecompressChunk(std::string_view chunk, std::string* out);

// Files.
Status WriteFileSync(const std::string& path, std::string_view data, bool fsync);
// Writes to path.tmp, fsyncs, renames over path and fsyncs the parent directory.
Status WriteFileAtomic(const std::string& path, std::string_view data, bool fsync);
Status ReadFile(const std::string& path, std::string* out);
Status FsyncDir(const std::string& dir);
Status MakeDirs(const std::string& dir);
void RemoveAll(const std::string& path);
std::vector<std::string> ListDir(const std::string& dir);
uint64_t DirSize(const std::string& dir);

// Days since the epoch (UTC) of a nanosecond timestamp and the YYYYMMDD partition name.
int64_t DayOf(int64_t ts_ns);
std::string DayName(int64_t day);
bool ParseDayName(std::string_view name, int64_t* day);
constexpr int64_t kNanosPerDay = 86400LL * 1'000'000'000LL;

}  // namespace vl::storage
