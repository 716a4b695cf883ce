#include "vl/insert/decompressor.h"

#include <gtest/gtest.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <string>

namespace vl::insert {
namespace {

std::string Payload(size_t n) {
  std::string s;
  uint64_t x = 42;
  while (s.size() < n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    s += "{\"_msg\":\"line " + std::to_string(x >> 40) + "\",\"app\":\"a" + std::to_string(x % 7) + "\"}\n";
  }
  s.resize(n);
  return s;
}

// window_bits: 15 zlib, -15 raw deflate, 15+16 gzip.
std::string ZlibCompress(std::string_view in, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string ZstdCompress(std::string_view in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::string SnappyCompress(std::string_view in) {
  std::string out;
  snappy::Compress(in.data(), in.size(), &out);
  return out;
}

// Decodes `encoded` fed in `chunk`-byte pieces.
Status DecodeChunked(std::string_view encoding, std::string_view encoded, size_t chunk, std::string* out,
                     size_t limit = kDefaultMaxDecodedBodySize) {
  auto d = Decompressor::Create(encoding, limit);
  if (!d.ok()) return d.status();
  for (size_t off = 0; off < encoded.size(); off += chunk) {
    VL_RETURN_IF_ERROR((*d)->Decode(encoded.substr(off, chunk), out));
  }
  return (*d)->Finish(out);
}

TEST(Decompressor, RoundTrips) {
  const std::string payload = Payload(300000);
  struct Case {
    const char* encoding;
    std::string encoded;
  } cases[] = {
      {"gzip", ZlibCompress(payload, 15 + 16)},
      {"GZIP", ZlibCompress(payload, 15 + 16)},
      {"deflate", ZlibCompress(payload, 15)},
      {"deflate", ZlibCompress(payload, -15)},
      {"zstd", ZstdCompress(payload)},
      {"snappy", SnappyCompress(payload)},
      {"", payload},
      {"none", payload},
      {"identity", payload},
  };
  for (const auto& c : cases) {
    for (size_t chunk : {size_t{1} << 30, size_t{1}, size_t{7}, size_t{4096}}) {
      if (chunk == 1 && c.encoded.size() > 100000) continue;  // keep it quick
      std::string out;
      Status st = DecodeChunked(c.encoding, c.encoded, chunk, &out);
      ASSERT_TRUE(st.ok()) << c.encoding << " chunk=" << chunk << ": " << st.ToString();
      ASSERT_EQ(out, payload) << c.encoding << " chunk=" << chunk;
    }
  }
  std::string small = "{\"a\":1}\n";
  for (const char* enc : {"gzip", "deflate", "zstd", "snappy"}) {
    std::string encoded = std::string(enc) == "gzip"      ? ZlibCompress(small, 31)
                          : std::string(enc) == "deflate" ? ZlibCompress(small, 15)
                          : std::string(enc) == "zstd"    ? ZstdCompress(small)
                                                          : SnappyCompress(small);
    std::string out;
    ASSERT_TRUE(DecodeChunked(enc, encoded, 1, &out).ok()) << enc;
    EXPECT_EQ(out, small);
  }
}

TEST(Decompressor, MultiMemberGzipAndMultiFrameZstd) {
  std::string a = Payload(1000), b = Payload(2000);
  std::string out;
  ASSERT_TRUE(DecodeChunked("gzip", ZlibCompress(a, 31) + ZlibCompress(b, 31), 100, &out).ok());
  EXPECT_EQ(out, a + b);
  out.clear();
  ASSERT_TRUE(DecodeChunked("zstd", ZstdCompress(a) + ZstdCompress(b), 100, &out).ok());
  EXPECT_EQ(out, a + b);
}

TEST(Decompressor, TruncatedStreams) {
  const std::string payload = Payload(100000);
  for (const char* enc : {"gzip", "deflate", "zstd", "snappy"}) {
    std::string encoded = std::string(enc) == "gzip"      ? ZlibCompress(payload, 31)
                          : std::string(enc) == "deflate" ? ZlibCompress(payload, 15)
                          : std::string(enc) == "zstd"    ? ZstdCompress(payload)
                                                          : SnappyCompress(payload);
    for (size_t cut : {encoded.size() / 2, encoded.size() - 1, size_t{1}}) {
      std::string out;
      Status st = DecodeChunked(enc, std::string_view(encoded).substr(0, cut), 1000, &out);
      EXPECT_FALSE(st.ok()) << enc << " cut=" << cut;
      EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << enc;
    }
  }
  std::string out;
  Status st = DecodeChunked("gzip", ZlibCompress(payload, 31).substr(0, 500), 64, &out);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("truncated"), std::string::npos) << st.message();
}

TEST(Decompressor, CorruptAndUnknown) {
  std::string out;
  EXPECT_FALSE(DecodeChunked("gzip", "this is not gzip data at all", 1000, &out).ok());
  EXPECT_FALSE(DecodeChunked("zstd", "this is not zstd data at all", 1000, &out).ok());
  EXPECT_FALSE(DecodeChunked("snappy", "\xff\xff\xff\xff\xff\xff", 1000, &out).ok());
  auto d = Decompressor::Create("br");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(d.status().message().find("br"), std::string::npos);
  // Empty bodies are fine for every encoding.
  for (const char* enc : {"gzip", "deflate", "zstd", "snappy", ""}) {
    EXPECT_TRUE(DecodeChunked(enc, "", 1, &out).ok()) << enc;
  }
}

TEST(Decompressor, OutputLimit) {
  const std::string payload(1 << 20, 'a');  // compresses extremely well
  for (const char* enc : {"gzip", "deflate", "zstd", "snappy", "none"}) {
    std::string encoded = std::string(enc) == "gzip"      ? ZlibCompress(payload, 31)
                          : std::string(enc) == "deflate" ? ZlibCompress(payload, 15)
                          : std::string(enc) == "zstd"    ? ZstdCompress(payload)
                          : std::string(enc) == "snappy"  ? SnappyCompress(payload)
                                                          : payload;
    std::string out;
    Status st = DecodeChunked(enc, encoded, 4096, &out, 100000);
    ASSERT_FALSE(st.ok()) << enc;
    EXPECT_NE(st.message().find("limit"), std::string::npos) << st.message();
    EXPECT_LE(out.size(), 100000u + 65536u) << enc;
    out.clear();
    EXPECT_TRUE(DecodeChunked(enc, encoded, 4096, &out, 1 << 20).ok()) << enc;
  }
}

TEST(Decompressor, SinkPiecesAreBounded) {
  const std::string payload(1 << 20, 'b');
  auto d = Decompressor::Create("gzip");
  ASSERT_TRUE(d.ok());
  size_t max_piece = 0, total = 0;
  auto sink = [&](std::string_view piece) {
    max_piece = std::max(max_piece, piece.size());
    total += piece.size();
    return Status::OK();
  };
  ASSERT_TRUE((*d)->Decode(ZlibCompress(payload, 31), sink).ok());
  ASSERT_TRUE((*d)->Finish(sink).ok());
  EXPECT_EQ(total, payload.size());
  EXPECT_LE(max_piece, 65536u);
  std::string out;
  ASSERT_TRUE(DecodeBody("zstd", ZstdCompress("xyz"), &out).ok());
  EXPECT_EQ(out, "xyz");
}

}  // namespace
}  // namespace vl::insert
