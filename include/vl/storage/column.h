// Column and timestamp encodings of a block, and per-column token bloom filters.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vl::storage {

// Stored in the first byte of a column body and (format v2) in the index, so a reader knows a
// column's type without reading it. Typed encodings live in column_typed.h.
enum class ColumnEncoding : uint8_t {
  kConst = 0,
  kDict = 1,
  kPlain = 2,
  kUint8 = 3,
  kUint16 = 4,
  kUint32 = 5,
  kUint64 = 6,
  kInt64 = 7,
  kFloat64 = 8,  // decimals with a fixed number of fraction digits, e.g. "0.250"
  kIPv4 = 9,
  kISO8601 = 10,
};

struct NumericRange;

// The LogsQL `value_type` name of an encoding ("const", "dict", "string", "uint8", ...); empty
// for an unknown byte.
std::string_view ColumnEncodingName(ColumnEncoding e);

// Encodes the values (one per row, "" = missing) choosing the encoding by content, then compresses.
// Appends the stored chunk to `out` and returns the chosen encoding. For the const and dict
// encodings `distinct` (optional) gets the distinct values, so that callers can tokenize those
// instead of every row; it is left empty for the plain encoding.
// `range` (optional) gets the numeric min/max of the values when they are all numbers.
ColumnEncoding EncodeColumn(const std::vector<std::string_view>& values, std::string* out,
                            std::vector<std::string_view>* distinct = nullptr,
                            NumericRange* range = nullptr);
// Decodes a chunk produced by EncodeColumn. `buf` owns the bytes the views point into.
bool DecodeColumn(std::string_view chunk, size_t rows, std::string* buf,
                  std::vector<std::string_view>* values);
// Numbers of a chunk with a uint/int/decimal encoding (see DecodeTypedNumbers); false otherwise.
bool DecodeColumnNumbers(std::string_view chunk, size_t rows, std::string* scratch,
                         std::vector<double>* out);

// Ascending timestamps: first value zigzag, then varint deltas, then zstd.
void EncodeTimestamps(const std::vector<int64_t>& ts, std::string* out);
bool DecodeTimestamps(std::string_view chunk, size_t rows, std::vector<int64_t>* ts);

// Bloom filter of tokens; serialized as varint k + 64-bit words.
class BloomFilter {
 public:
  static void Build(const std::vector<std::string_view>& tokens, std::string* out);
  // The same from the distinct XXH64 hashes of the tokens (CollectTokenHashes).
  static void BuildFromHashes(const std::vector<uint64_t>& hashes, std::string* out);
  // `data` is a serialized filter. Returns true when the token may be present.
  static bool MayContain(std::string_view data, std::string_view token);
};

// Distinct tokens of all values (vl::ForEachToken); views point into the values.
std::vector<std::string_view> CollectTokens(const std::vector<std::string_view>& values);
// The distinct token hashes of all values, as BloomFilter::Build would compute them (faster).
void CollectTokenHashes(const std::vector<std::string_view>& values, std::vector<uint64_t>* out);

}  // namespace vl::storage
