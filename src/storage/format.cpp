#include "vl/storage/format.h"

#include <zstd.h>

#include <cstring>

#include "vl/common/civil_date.h"

namespace vl::storage {

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutZigzag(std::string* out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

uint32_t LoadFixed32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint64_t LoadFixed64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

bool ByteReader::Varint(uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) return false;
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    r |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

bool ByteReader::Zigzag(int64_t* v) {
  uint64_t u;
  if (!Varint(&u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool ByteReader::Bytes(size_t n, std::string_view* s) {
  if (n > data_.size() - pos_) return false;
  *s = data_.substr(pos_, n);
  pos_ += n;
  return true;
}

bool ByteReader::String(std::string_view* s) {
  uint64_t n;
  return Varint(&n) && Bytes(n, s);
}

bool ByteReader::Fixed64(uint64_t* v) {
  std::string_view s;
  if (!Bytes(8, &s)) return false;
  *v = LoadFixed64(s.data());
  return true;
}

void CompressChunk(std::string_view raw, int level, std::string* out) {
  if (raw.size() < 64) {
    out->push_back(0);
    PutVarint(out, raw.size());
    out->append(raw);
    return;
  }
  size_t start = out->size();
  out->push_back(1);
  PutVarint(out, raw.size());
  size_t hdr = out->size();
  size_t bound = ZSTD_compressBound(raw.size());
  out->resize(hdr + bound);
  size_t n = ZSTD_compress(out->data() + hdr, bound, raw.data(), raw.size(), level);
  if (ZSTD_isError(n) || n >= raw.size()) {
    out->resize(start);
    out->push_back(0);
    PutVarint(out, raw.size());
    out->append(raw);
    return;
  }
  out->resize(hdr + n);
}

bool DecompressChunk(std::string_view chunk, std::string* out) {
  if (chunk.empty()) return false;
  uint8_t method = static_cast<uint8_t>(chunk[0]);
  ByteReader r(chunk.substr(1));
  uint64_t raw_size;
  if (!r.Varint(&raw_size)) return false;
  std::string_view payload = r.rest();
  if (method == 0) {
    if (payload.size() != raw_size) return false;
    out->assign(payload);
    return true;
  }
  if (method != 1 || raw_size > (1ULL << 34)) return false;
  out->resize(raw_size);
  size_t n = ZSTD_decompress(out->data(), raw_size, payload.data(), payload.size());
  return !ZSTD_isError(n) && n == raw_size;
}

int64_t DayOf(int64_t ts_ns) {
  int64_t d = ts_ns / kNanosPerDay;
  if (ts_ns % kNanosPerDay < 0) d--;
  return d;
}

std::string DayName(int64_t day) {
  int64_t y;
  int m, d;
  CivilFromDays(day, &y, &m, &d);
  char buf[32];
  snprintf(buf, sizeof(buf), "%04lld%02d%02d", static_cast<long long>(y), m, d);
  return buf;
}

bool ParseDayName(std::string_view name, int64_t* day) {
  if (name.size() != 8) return false;
  for (char c : name)
    if (c < '0' || c > '9') return false;
  int y = std::stoi(std::string(name.substr(0, 4)));
  int m = std::stoi(std::string(name.substr(4, 2)));
  int d = std::stoi(std::string(name.substr(6, 2)));
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  *day = DaysFromCivil(y, m, d);
  return true;
}

}  // namespace vl::storage
