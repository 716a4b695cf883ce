#include "vl/insert/decompressor.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace vl::insert {

namespace {

constexpr size_t kOutChunk = 64 * 1024;

std::string Lower(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class NoneDecompressor final : public Decompressor {
 public:
  explicit NoneDecompressor(size_t max) : Decompressor(max) {}
  Encoding encoding() const override { return Encoding::kNone; }
  Status Decode(std::string_view in, const Sink& sink) override {
    if (in.empty()) return Status::OK();
    VL_RETURN_IF_ERROR(Account(in.size()));
    return sink(in);
  }
  Status Finish(const Sink&) override { return Status::OK(); }
};

// gzip (possibly multi-member) and deflate (zlib-wrapped or raw, detected from the header).
class ZlibDecompressor final : public Decompressor {
 public:
  ZlibDecompressor(size_t max, bool gzip) : Decompressor(max), gzip_(gzip), out_(new char[kOutChunk]) {}
  ~ZlibDecompressor() override {
    if (inited_) inflateEnd(&zs_);
  }
  Encoding encoding() const override { return gzip_ ? Encoding::kGzip : Encoding::kDeflate; }

  Status Decode(std::string_view in, const Sink& sink) override {
    if (!error_.ok()) return error_;
    if (in.empty()) return Status::OK();
    if (!inited_) {
      if (gzip_) {
        VL_RETURN_IF_ERROR(Init(15 + 16));
      } else {
        // A zlib header is 2 bytes: CM=8, CINFO<=7, and (CMF*256+FLG) % 31 == 0. Otherwise raw deflate.
        header_.append(in);
        if (header_.size() < 2) return Status::OK();
        auto b0 = static_cast<unsigned char>(header_[0]), b1 = static_cast<unsigned char>(header_[1]);
        bool zlib = (b0 & 0x0f) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
        VL_RETURN_IF_ERROR(Init(zlib ? 15 : -15));
        std::string head = std::move(header_);
        header_.clear();
        return Remember(Inflate(head, sink));
      }
    }
    return Remember(Inflate(in, sink));
  }

  Status Finish(const Sink&) override {
    if (!error_.ok()) return error_;
    if (!inited_ && header_.empty()) return Status::OK();  // empty body
    if (!inited_ || !stream_end_) {
      return Remember(Status::InvalidArgument(std::string("cannot decode ") + Name() +
                                              " request body: truncated stream (unexpected end of data)"));
    }
    return Status::OK();
  }

 private:
  const char* Name() const { return gzip_ ? "gzip" : "deflate"; }

  Status Remember(Status st) {
    if (!st.ok()) error_ = st;
    return st;
  }

  Status Init(int window_bits) {
    zs_ = z_stream{};
    if (inflateInit2(&zs_, window_bits) != Z_OK) return Status::Internal("inflateInit2 failed");
    inited_ = true;
    return Status::OK();
  }

  Status Inflate(std::string_view in, const Sink& sink) {
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs_.avail_in = static_cast<uInt>(in.size());
    bool more_output = false;
    for (;;) {
      if (zs_.avail_in == 0 && !more_output) break;
      if (stream_end_) {
        if (zs_.avail_in == 0) break;
        if (!gzip_) {
          return Status::InvalidArgument("cannot decode deflate request body: unexpected data after the end of stream");
        }
        if (inflateReset(&zs_) != Z_OK) return Status::Internal("inflateReset failed");  // next gzip member
        stream_end_ = false;
      }
      zs_.next_out = reinterpret_cast<Bytef*>(out_.get());
      zs_.avail_out = kOutChunk;
      int r = inflate(&zs_, Z_NO_FLUSH);
      size_t produced = kOutChunk - zs_.avail_out;
      more_output = zs_.avail_out == 0;
      if (produced > 0) {
        VL_RETURN_IF_ERROR(Account(produced));
        VL_RETURN_IF_ERROR(sink(std::string_view(out_.get(), produced)));
      }
      if (r == Z_STREAM_END) {
        stream_end_ = true;
      } else if (r == Z_BUF_ERROR) {
        if (produced == 0) break;  // needs more input
      } else if (r != Z_OK) {
        return Status::InvalidArgument(std::string("cannot decode ") + Name() + " request body: " +
                                       (zs_.msg != nullptr ? zs_.msg : "corrupt data"));
      }
    }
    return Status::OK();
  }

  bool gzip_;
  bool inited_ = false;
  bool stream_end_ = false;
  z_stream zs_{};
  std::string header_;
  std::unique_ptr<char[]> out_;
  Status error_;
};

class ZstdDecompressor final : public Decompressor {
 public:
  explicit ZstdDecompressor(size_t max) : Decompressor(max), dctx_(ZSTD_createDCtx()), out_(new char[kOutChunk]) {}
  ~ZstdDecompressor() override { ZSTD_freeDCtx(dctx_); }
  Encoding encoding() const override { return Encoding::kZstd; }

  Status Decode(std::string_view in, const Sink& sink) override {
    if (!error_.ok()) return error_;
    if (dctx_ == nullptr) return Status::Internal("ZSTD_createDCtx failed");
    ZSTD_inBuffer inb{in.data(), in.size(), 0};
    bool more_output = false;
    while (inb.pos < inb.size || more_output) {
      ZSTD_outBuffer outb{out_.get(), kOutChunk, 0};
      const size_t in_pos = inb.pos;
      size_t r = ZSTD_decompressStream(dctx_, &outb, &inb);
      if (ZSTD_isError(r)) {
        error_ = Status::InvalidArgument(std::string("cannot decode zstd request body: ") + ZSTD_getErrorName(r));
        return error_;
      }
      if (outb.pos == 0 && inb.pos == in_pos) break;  // no progress: needs more input
      last_ret_ = r;  // only calls that made progress tell whether the frame is complete
      more_output = outb.pos == outb.size;
      if (outb.pos > 0) {
        Status st = Account(outb.pos);
        if (st.ok()) st = sink(std::string_view(out_.get(), outb.pos));
        if (!st.ok()) return error_ = st;
      }
    }
    return Status::OK();
  }

  Status Finish(const Sink&) override {
    if (!error_.ok()) return error_;
    if (last_ret_ != 0) {
      return error_ = Status::InvalidArgument("cannot decode zstd request body: truncated stream (unexpected end of data)");
    }
    return Status::OK();
  }

 private:
  ZSTD_DCtx* dctx_;
  std::unique_ptr<char[]> out_;
  size_t last_ret_ = 0;  // 0 when the last frame is complete
  Status error_;
};

// Snappy block format is not streamable: the whole body is collected and decoded at Finish.
class SnappyDecompressor final : public Decompressor {
 public:
  explicit SnappyDecompressor(size_t max) : Decompressor(max) {}
  Encoding encoding() const override { return Encoding::kSnappy; }

  Status Decode(std::string_view in, const Sink&) override {
    if (input_.size() + in.size() > max_decoded_size_) {
      return Status::InvalidArgument("snappy-encoded request body exceeds the limit of " +
                                     std::to_string(max_decoded_size_) + " bytes");
    }
    input_.append(in);
    return Status::OK();
  }

  Status Finish(const Sink& sink) override {
    if (input_.empty()) return Status::OK();
    size_t ulen = 0;
    if (!snappy::GetUncompressedLength(input_.data(), input_.size(), &ulen)) {
      return Status::InvalidArgument("cannot decode snappy request body: invalid block header");
    }
    if (ulen > max_decoded_size_ - std::min(decoded_size_, max_decoded_size_)) {
      return Status::InvalidArgument("decoded request body size " + std::to_string(ulen) + " exceeds the limit of " +
                                     std::to_string(max_decoded_size_) + " bytes");
    }
    std::string out(ulen, '\0');
    if (!snappy::RawUncompress(input_.data(), input_.size(), out.data())) {
      return Status::InvalidArgument("cannot decode snappy request body: corrupt or truncated data");
    }
    std::string().swap(input_);
    VL_RETURN_IF_ERROR(Account(out.size()));
    for (size_t off = 0; off < out.size(); off += kOutChunk) {
      VL_RETURN_IF_ERROR(sink(std::string_view(out).substr(off, kOutChunk)));
    }
    return Status::OK();
  }

 private:
  std::string input_;
};

}  // namespace

Result<Decompressor::Encoding> Decompressor::ParseEncoding(std::string_view content_encoding) {
  std::string e = Lower(content_encoding);
  if (e.empty() || e == "none" || e == "identity") return Encoding::kNone;
  if (e == "gzip" || e == "x-gzip") return Encoding::kGzip;
  if (e == "deflate") return Encoding::kDeflate;
  if (e == "zstd") return Encoding::kZstd;
  if (e == "snappy") return Encoding::kSnappy;
  return Status::InvalidArgument("unsupported Content-Encoding \"" + std::string(content_encoding) +
                                 "\"; supported: gzip, deflate, zstd, snappy, none");
}

Result<std::unique_ptr<Decompressor>> Decompressor::Create(std::string_view content_encoding,
                                                           size_t max_decoded_size) {
  auto enc = ParseEncoding(content_encoding);
  if (!enc.ok()) return enc.status();
  std::unique_ptr<Decompressor> d;
  switch (*enc) {
    case Encoding::kNone: d = std::make_unique<NoneDecompressor>(max_decoded_size); break;
    case Encoding::kGzip: d = std::make_unique<ZlibDecompressor>(max_decoded_size, true); break;
    case Encoding::kDeflate: d = std::make_unique<ZlibDecompressor>(max_decoded_size, false); break;
    case Encoding::kZstd: d = std::make_unique<ZstdDecompressor>(max_decoded_size); break;
    case Encoding::kSnappy: d = std::make_unique<SnappyDecompressor>(max_decoded_size); break;
  }
  return d;
}

Status Decompressor::Account(size_t n) {
  decoded_size_ += n;
  if (decoded_size_ > max_decoded_size_) {
    return Status::InvalidArgument("decoded request body exceeds the limit of " + std::to_string(max_decoded_size_) +
                                   " bytes");
  }
  return Status::OK();
}

Status Decompressor::Decode(std::string_view in, std::string* out) {
  return Decode(in, [out](std::string_view piece) {
    out->append(piece);
    return Status::OK();
  });
}

Status Decompressor::Finish(std::string* out) {
  return Finish([out](std::string_view piece) {
    out->append(piece);
    return Status::OK();
  });
}

Status DecodeBody(std::string_view content_encoding, std::string_view body, std::string* out,
                  size_t max_decoded_size) {
  auto d = Decompressor::Create(content_encoding, max_decoded_size);
  if (!d.ok()) return d.status();
  VL_RETURN_IF_ERROR((*d)->Decode(body, out));
  return (*d)->Finish(out);
}

}  // namespace vl::insert
