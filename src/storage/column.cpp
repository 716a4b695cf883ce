#include "vl/storage/column.h"

#define XXH_INLINE_ALL  // token hashing runs per token of every stored value: no call per hash
#include <xxhash.h>

#include <unordered_map>
#include <unordered_set>

#include "vl/common/bytes_equal.h"
#include "vl/common/tokenizer.h"
#include "vl/storage/column_typed.h"
#include "vl/storage/format.h"

namespace vl::storage {

std::string_view ColumnEncodingName(ColumnEncoding e) {
  switch (e) {
    case ColumnEncoding::kConst: return "const";
    case ColumnEncoding::kDict: return "dict";
    case ColumnEncoding::kPlain: return "string";
    case ColumnEncoding::kUint8: return "uint8";
    case ColumnEncoding::kUint16: return "uint16";
    case ColumnEncoding::kUint32: return "uint32";
    case ColumnEncoding::kUint64: return "uint64";
    case ColumnEncoding::kInt64: return "int64";
    case ColumnEncoding::kFloat64: return "float64";
    case ColumnEncoding::kIPv4: return "ipv4";
    case ColumnEncoding::kISO8601: return "iso8601";
  }
  return {};
}


namespace {
constexpr int kZstdLevel = 3;
constexpr size_t kMaxDict = 255;
}  // namespace

ColumnEncoding EncodeColumn(const std::vector<std::string_view>& values, std::string* out,
                            std::vector<std::string_view>* distinct, NumericRange* range) {
  std::string raw;
  NumericRange scratch_range;
  if (!range) range = &scratch_range;
  *range = NumericRange{};
  ColumnEncoding enc;
  if (distinct) distinct->clear();
  bool all_same = true;
  for (size_t i = 1; i < values.size() && all_same; i++) all_same = BytesEqual(values[i], values[0]);
  if (all_same) {
    enc = ColumnEncoding::kConst;
    raw.push_back(static_cast<char>(enc));
    std::string_view v = values.empty() ? std::string_view() : values[0];
    PutString(&raw, v);
    if (distinct) distinct->push_back(v);
    *range = ComputeNumericRange({v});
  } else {
    // One pass, one hash per value (none for a repeat of the previous value); the indexes are
    // dropped if the dictionary overflows.
    std::unordered_map<std::string_view, uint8_t> dict;
    std::vector<std::string_view> order;
    std::string idx;
    idx.reserve(values.size());
    bool dict_ok = true;
    std::string_view prev;
    uint8_t prev_idx = 0;
    for (size_t i = 0; i < values.size(); i++) {
      std::string_view v = values[i];
      if (i == 0 || !BytesEqual(v, prev)) {
        auto [it, added] = dict.try_emplace(v, static_cast<uint8_t>(order.size()));
        if (added) {
          if (order.size() >= kMaxDict) {
            dict_ok = false;
            break;
          }
          order.push_back(v);
        }
        prev = v;
        prev_idx = it->second;
      }
      idx.push_back(static_cast<char>(prev_idx));
    }
    if (dict_ok) {
      enc = ColumnEncoding::kDict;
      raw.push_back(static_cast<char>(enc));
      PutVarint(&raw, order.size());
      for (auto v : order) PutString(&raw, v);
      raw += idx;
      *range = ComputeNumericRange(order);
      if (distinct) *distinct = std::move(order);
    } else if (EncodeTyped(values, &raw, range)) {
      enc = static_cast<ColumnEncoding>(raw[0]);
    } else {
      enc = ColumnEncoding::kPlain;
      raw.push_back(static_cast<char>(enc));
      for (auto v : values) PutVarint(&raw, v.size());
      for (auto v : values) raw.append(v);
      *range = ComputeNumericRange(values);
    }
  }
  CompressChunk(raw, kZstdLevel, out);
  return enc;
}

bool DecodeColumn(std::string_view chunk, size_t rows, std::string* buf,
                  std::vector<std::string_view>* values) {
  if (!DecompressChunk(chunk, buf) || buf->empty()) return false;
  std::string_view data(*buf);
  auto enc = static_cast<ColumnEncoding>(data[0]);
  ByteReader r(data.substr(1));
  values->clear();
  values->reserve(rows);
  switch (enc) {
    case ColumnEncoding::kConst: {
      std::string_view v;
      if (!r.String(&v)) return false;
      values->assign(rows, v);
      return true;
    }
    case ColumnEncoding::kDict: {
      uint64_t n;
      if (!r.Varint(&n) || n > kMaxDict) return false;
      std::vector<std::string_view> dict(n);
      for (auto& d : dict)
        if (!r.String(&d)) return false;
      std::string_view idx;
      if (!r.Bytes(rows, &idx)) return false;
      for (char c : idx) {
        uint8_t i = static_cast<uint8_t>(c);
        if (i >= n) return false;
        values->push_back(dict[i]);
      }
      return true;
    }
    case ColumnEncoding::kPlain: {
      std::vector<uint64_t> lens(rows);
      for (auto& l : lens)
        if (!r.Varint(&l)) return false;
      for (auto l : lens) {
        std::string_view v;
        if (!r.Bytes(l, &v)) return false;
        values->push_back(v);
      }
      return true;
    }
    default: {
      // The typed decoder prints into `buf`, so the body must live elsewhere.
      thread_local std::string body;
      body.assign(data.substr(1));
      return DecodeTyped(enc, body, rows, buf, values);
    }
  }
  return false;
}

bool DecodeColumnNumbers(std::string_view chunk, size_t rows, std::string* scratch,
                         std::vector<double>* out) {
  if (!DecompressChunk(chunk, scratch) || scratch->empty()) return false;
  std::string_view data(*scratch);
  return DecodeTypedNumbers(static_cast<ColumnEncoding>(data[0]), data.substr(1), rows, out);
}

void EncodeTimestamps(const std::vector<int64_t>& ts, std::string* out) {
  std::string raw;
  raw.reserve(ts.size() * 3);
  int64_t prev = 0;
  for (size_t i = 0; i < ts.size(); i++) {
    if (i == 0) {
      PutZigzag(&raw, ts[0]);
    } else {
      PutVarint(&raw, static_cast<uint64_t>(ts[i] - prev));
    }
    prev = ts[i];
  }
  CompressChunk(raw, kZstdLevel, out);
}

bool DecodeTimestamps(std::string_view chunk, size_t rows, std::vector<int64_t>* ts) {
  std::string raw;
  if (!DecompressChunk(chunk, &raw)) return false;
  ByteReader r(raw);
  ts->resize(rows);
  int64_t prev = 0;
  for (size_t i = 0; i < rows; i++) {
    if (i == 0) {
      if (!r.Zigzag(&prev)) return false;
    } else {
      uint64_t d;
      if (!r.Varint(&d)) return false;
      prev += static_cast<int64_t>(d);
    }
    (*ts)[i] = prev;
  }
  return true;
}

namespace {
constexpr int kBloomHashes = 6;
constexpr size_t kBloomBitsPerToken = 12;
}  // namespace

void BloomFilter::Build(const std::vector<std::string_view>& tokens, std::string* out) {
  std::vector<uint64_t> hashes;
  hashes.reserve(tokens.size());
  for (auto t : tokens) hashes.push_back(XXH64(t.data(), t.size(), 0));
  BuildFromHashes(hashes, out);
}

void BloomFilter::BuildFromHashes(const std::vector<uint64_t>& hashes, std::string* out) {
  size_t bits = std::max<size_t>(64, hashes.size() * kBloomBitsPerToken);
  size_t words = (bits + 63) / 64;
  bits = words * 64;
  out->reserve(out->size() + 10 + words * 8);
  std::vector<uint64_t> w(words, 0);
  for (uint64_t h : hashes) {
    uint64_t h1 = h, h2 = (h >> 32) | (h << 32) | 1;
    for (int i = 0; i < kBloomHashes; i++) {
      uint64_t bit = (h1 + static_cast<uint64_t>(i) * h2) % bits;
      w[bit >> 6] |= 1ULL << (bit & 63);
    }
  }
  PutVarint(out, kBloomHashes);
  for (uint64_t x : w) PutFixed64(out, x);
}

bool BloomFilter::MayContain(std::string_view data, std::string_view token) {
  ByteReader r(data);
  uint64_t k;
  if (!r.Varint(&k)) return true;
  std::string_view words = r.rest();
  size_t nwords = words.size() / 8;
  if (nwords == 0) return true;
  uint64_t bits = nwords * 64;
  uint64_t h = XXH64(token.data(), token.size(), 0);
  uint64_t h1 = h, h2 = (h >> 32) | (h << 32) | 1;
  for (uint64_t i = 0; i < k; i++) {
    uint64_t bit = (h1 + i * h2) % bits;
    uint64_t word = LoadFixed64(words.data() + (bit >> 6) * 8);
    if (!(word & (1ULL << (bit & 63)))) return false;
  }
  return true;
}

std::vector<std::string_view> CollectTokens(const std::vector<std::string_view>& values) {
  std::unordered_set<std::string_view> seen;
  std::vector<std::string_view> out;
  std::string_view prev;
  bool has_prev = false;
  for (auto v : values) {
    if (has_prev && v == prev) continue;  // runs of equal values are common
    prev = v;
    has_prev = true;
    vl::ForEachToken(v, [&](std::string_view t) {
      if (seen.insert(t).second) out.push_back(t);
    });
  }
  return out;
}

void CollectTokenHashes(const std::vector<std::string_view>& values, std::vector<uint64_t>* out) {
  // Open addressing over the 64-bit token hashes: no per-token allocation and no string compares.
  // 0 marks an empty slot; a token hashing to 0 is tracked by a flag.
  thread_local std::vector<uint64_t> table;
  out->clear();
  size_t cap = 1024;
  while (cap < values.size() * 2) cap <<= 1;
  cap = std::min<size_t>(cap, 1u << 20);
  table.assign(cap, 0);
  size_t mask = cap - 1;
  bool has_zero = false;
  auto insert = [&](uint64_t h) {
    if (h == 0) {
      if (!has_zero) out->push_back(0);
      has_zero = true;
      return;
    }
    size_t i = (h ^ (h >> 29)) & mask;
    while (true) {
      uint64_t cur = table[i];
      if (cur == h) return;
      if (cur == 0) break;
      i = (i + 1) & mask;
    }
    table[i] = h;
    out->push_back(h);
    if (out->size() * 2 > cap) {  // grow and rehash
      cap <<= 1;
      mask = cap - 1;
      table.assign(cap, 0);
      for (uint64_t x : *out) {
        if (x == 0) continue;
        size_t j = (x ^ (x >> 29)) & mask;
        while (table[j] != 0) j = (j + 1) & mask;
        table[j] = x;
      }
    }
  };
  std::string_view prev;
  bool has_prev = false;
  constexpr size_t kPrefetchAhead = 8;  // values sit scattered over the memtable or the heap
  for (size_t i = 0; i < values.size(); i++) {
    if (i + kPrefetchAhead < values.size()) __builtin_prefetch(values[i + kPrefetchAhead].data());
    const std::string_view v = values[i];
    if (has_prev && (v.data() == prev.data() ? v.size() == prev.size() : BytesEqual(v, prev))) continue;
    prev = v;
    has_prev = true;
    vl::ForEachToken(v, [&](std::string_view t) { insert(XXH64(t.data(), t.size(), 0)); });
  }
  if (table.size() > (1u << 16)) std::vector<uint64_t>().swap(table);
}

}  // namespace vl::storage
