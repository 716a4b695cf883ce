// Request body decoding by `Content-Encoding`, incrementally and with a bound on the output size.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "vl/common/status.h"

namespace vl::insert {

inline constexpr size_t kDefaultMaxDecodedBodySize = size_t{1} << 30;  // 1 GiB

class Decompressor {
 public:
  enum class Encoding { kNone, kGzip, kDeflate, kZstd, kSnappy };

  // Receives decoded bytes in pieces (at most ~64 KiB each); a non-OK return aborts decoding.
  using Sink = std::function<Status(std::string_view)>;

  // `gzip`, `x-gzip`, `deflate`, `zstd`, `snappy` (block format), `none`/`identity`/"" (case-
  // insensitive, surrounding spaces ignored). Unknown → InvalidArgument.
  static Result<std::unique_ptr<Decompressor>> Create(std::string_view content_encoding,
                                                      size_t max_decoded_size = kDefaultMaxDecodedBodySize);
  static Result<Encoding> ParseEncoding(std::string_view content_encoding);

  virtual ~Decompressor() = default;
  virtual Encoding encoding() const = 0;

  // Decodes the next piece of the encoded body. Decoded output beyond max_decoded_size →
  // InvalidArgument; corrupt input → InvalidArgument.
  virtual Status Decode(std::string_view in, const Sink& sink) = 0;
  // End of the encoded body: a truncated stream → InvalidArgument. Snappy (whole-body format)
  // emits all of its output here.
  virtual Status Finish(const Sink& sink) = 0;

  // Conveniences appending decoded bytes to *out.
  Status Decode(std::string_view in, std::string* out);
  Status Finish(std::string* out);

  size_t decoded_size() const { return decoded_size_; }
  size_t max_decoded_size() const { return max_decoded_size_; }

 protected:
  explicit Decompressor(size_t max_decoded_size) : max_decoded_size_(max_decoded_size) {}
  // Counts n decoded bytes against the limit.
  Status Account(size_t n);

  size_t decoded_size_ = 0;
  size_t max_decoded_size_;
};

// One-shot helper: decodes a whole body.
Status DecodeBody(std::string_view content_encoding, std::string_view body, std::string* out,
                  size_t max_decoded_size = kDefaultMaxDecodedBodySize);

}  // namespace vl::insert
