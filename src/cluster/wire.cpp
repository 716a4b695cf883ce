#include "vl/cluster/wire.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "vl/common/varint.h"

namespace vl::cluster {

namespace {

void AppendBE(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool ReadBE(std::string_view* in, int bytes, uint64_t* v) {
  if (in->size() < static_cast<size_t>(bytes)) return false;
  *v = 0;
  for (int i = 0; i < bytes; ++i) *v = (*v << 8) | static_cast<uint8_t>((*in)[i]);
  in->remove_prefix(bytes);
  return true;
}

}  // namespace

namespace {

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

char* PutBE(char* p, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) *p++ = static_cast<char>((v >> (8 * i)) & 0xff);
  return p;
}

char* PutVarint(char* p, uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>(v | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

char* PutLengthPrefixed(char* p, std::string_view s) {
  p = PutVarint(p, s.size());
  if (!s.empty()) std::memcpy(p, s.data(), s.size());  // an empty view may hold a null pointer
  return p + s.size();
}

}  // namespace

void AppendInsertRow(const RowView& row, std::string* out) {
  // Runs for every row a router forwards: size the row first, then write it with plain stores
  // rather than a push_back per byte.
  auto wire_name = [](const FieldView& f) { return f.name == "_msg" ? std::string_view() : f.name; };
  const std::string_view tags = row.stream_tags;
  size_t size = 4 + 4 + VarintSize(tags.size()) + tags.size() + 8 + VarintSize(row.fields.size());
  for (const FieldView& f : row.fields) {
    const std::string_view name = wire_name(f);
    size += VarintSize(name.size()) + name.size() + VarintSize(f.value.size()) + f.value.size();
  }
  const size_t base = out->size();
  if (out->capacity() < base + size) out->reserve(std::max(base + size, out->capacity() * 2));
  out->resize(base + size);
  char* p = out->data() + base;
  p = PutBE(p, row.tenant.account_id, 4);
  p = PutBE(p, row.tenant.project_id, 4);
  p = PutLengthPrefixed(p, tags);
  p = PutBE(p, static_cast<uint64_t>(row.timestamp), 8);
  p = PutVarint(p, row.fields.size());
  for (const FieldView& f : row.fields) {
    p = PutLengthPrefixed(p, wire_name(f));
    p = PutLengthPrefixed(p, f.value);
  }
}

Status ParseInsertRows(std::string_view data, const std::function<void(const RowView&)>& fn) {
  std::vector<FieldView> fields;
  // Rows of one stream arrive together: validate and hash each distinct tag set once in a run.
  std::string_view last_tags;
  TenantID last_tenant;
  StreamID last_id;
  bool have_last = false;
  for (size_t n = 0; !data.empty(); ++n) {
    auto bad = [&](const char* what) {
      return Status::InvalidArgument("cannot parse row #" + std::to_string(n) + " of /internal/insert body: " + what);
    };
    uint64_t account, project, ts, count;
    std::string_view tags;
    if (!ReadBE(&data, 4, &account) || !ReadBE(&data, 4, &project)) return bad("truncated tenant");
    if (!ReadLengthPrefixed(&data, &tags)) return bad("truncated stream tags");
    const TenantID tenant{static_cast<uint32_t>(account), static_cast<uint32_t>(project)};
    if (!have_last || tenant != last_tenant || tags != last_tags) {
      if (!StreamTags::IsValidCanonical(tags)) return bad("invalid stream tags");
      // Never trust the sender's stream id: it is derived data and must match our hashing.
      last_id = StreamID::ComputeFromCanonical(tenant, tags);
      last_tags = tags;
      last_tenant = tenant;
      have_last = true;
    }
    if (!ReadBE(&data, 8, &ts)) return bad("truncated timestamp");
    if (!ReadVarint(&data, &count)) return bad("truncated fields count");
    if (count > kMaxFieldsPerRow) return bad("too many fields");
    fields.clear();
    for (uint64_t i = 0; i < count; ++i) {
      std::string_view name, value;
      if (!ReadLengthPrefixed(&data, &name) || !ReadLengthPrefixed(&data, &value)) return bad("truncated field");
      // The row carries its own stream and timestamp. A sender may still copy these fields from
      // a JSON line (vlagent forwards `_stream` as a field): they are dropped, as
      // /insert/jsonline drops them, instead of refusing the batch.
      if (name == "_time" || name == "_stream" || name == "_stream_id") continue;
      if (value.empty()) continue;  // empty values are absent fields
      fields.push_back(FieldView{name.empty() ? std::string_view("_msg") : name, value});
    }
    RowView row;
    row.tenant = tenant;
    row.timestamp = static_cast<int64_t>(ts);
    row.stream_id = last_id;
    row.stream_tags = tags;
    row.fields = fields;
    fn(row);
  }
  return Status::OK();
}

void AppendDataBlock(const logsql::ResultBlock& block, std::string* out) {
  AppendVarint(block.rows, out);
  AppendVarint(block.columns.size(), out);
  for (const auto& c : block.columns) {
    AppendLengthPrefixed(c.name, out);
    bool is_const = block.rows > 0;
    if (c.type() != logsql::ResultColumn::Type::kConst) {
      for (size_t i = 1; i < block.rows && is_const; ++i) is_const = c.at(i) == c.at(0);
    }
    if (is_const) {
      out->push_back(0);
      AppendLengthPrefixed(c.at(0), out);
    } else {
      out->push_back(1);
      for (size_t i = 0; i < block.rows; ++i) AppendLengthPrefixed(c.at(i), out);
    }
  }
}

Status ParseDataBlocks(std::string_view data, std::vector<logsql::ResultBlock>* out) {
  auto bad = [](const char* what) { return Status::InvalidArgument(std::string("malformed data block: ") + what); };
  while (!data.empty()) {
    uint64_t rows, cols;
    if (!ReadVarint(&data, &rows) || !ReadVarint(&data, &cols)) return bad("truncated header");
    // Every value takes at least one byte, so counts beyond the remaining size are corrupt.
    if (cols > data.size() || (cols > 0 && rows > data.size())) return bad("counts exceed the data");
    logsql::ResultBlock b;
    b.rows = rows;
    b.columns.reserve(cols);
    for (uint64_t k = 0; k < cols; ++k) {
      std::string_view name, v;
      if (!ReadLengthPrefixed(&data, &name) || data.empty()) return bad("truncated column header");
      const char type = data[0];
      data.remove_prefix(1);
      if (type == 0) {
        if (!ReadLengthPrefixed(&data, &v)) return bad("truncated const value");
        b.columns.push_back(logsql::ResultColumn::Const(std::string(name), std::string(v), rows));
      } else if (type == 1) {
        logsql::StringsBuilder sb(rows);
        for (uint64_t i = 0; i < rows; ++i) {
          if (!ReadLengthPrefixed(&data, &v)) return bad("truncated value");
          sb.Add(v);
        }
        b.columns.push_back(sb.Build(std::string(name)));
      } else {
        return bad("unknown column type");
      }
    }
    out->push_back(std::move(b));
  }
  return Status::OK();
}

std::string Compress(std::string_view data) {
  // A per-thread scratch buffer: a fresh zero-filled bound-sized string per call costs page
  // faults that dominate level-1 compression.
  thread_local std::string scratch;
  const size_t bound = ZSTD_compressBound(data.size());
  if (scratch.size() < bound) scratch.resize(bound);
  size_t n = ZSTD_compress(scratch.data(), bound, data.data(), data.size(), 1);
  return ZSTD_isError(n) ? std::string() : std::string(scratch.data(), n);
}

size_t CompressTo(std::string_view data, std::string* out) {
  struct Ctx {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~Ctx() { ZSTD_freeCCtx(cctx); }
  };
  thread_local Ctx ctx;
  const size_t bound = ZSTD_compressBound(data.size());
  if (out->size() < bound) out->resize(bound);
  size_t n = ZSTD_compressCCtx(ctx.cctx, out->data(), bound, data.data(), data.size(), kInsertZstdLevel);
  return ZSTD_isError(n) ? 0 : n;
}

Result<std::string> Decompress(std::string_view data, size_t max_size) {
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::InvalidArgument("not a zstd frame with a known size");
  }
  if (size > max_size) return Status::InvalidArgument("decompressed frame too large");
  std::string out(size, '\0');
  size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
  if (ZSTD_isError(n)) return Status::InvalidArgument(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string_view> DecompressInto(std::string_view data, size_t max_size, std::string* buf) {
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::InvalidArgument("not a zstd frame with a known size");
  }
  if (size > max_size) return Status::InvalidArgument("decompressed frame too large");
  if (buf->size() < size) buf->resize(size);
  size_t n = ZSTD_decompress(buf->data(), size, data.data(), data.size());
  if (ZSTD_isError(n)) return Status::InvalidArgument(std::string("zstd: ") + ZSTD_getErrorName(n));
  return std::string_view(buf->data(), n);
}

void AppendFrame(std::string_view payload, bool compress, std::string* out) {
  if (compress) {
    std::string c = Compress(payload);
    AppendBE(c.size(), 8, out);
    out->append(c);
  } else {
    AppendBE(payload.size(), 8, out);
    out->append(payload);
  }
}

void AppendErrorFrame(std::string_view message, std::string* out) {
  AppendBE(kErrorFrame, 8, out);
  AppendLengthPrefixed(message, out);
}

std::string EncodeTenant(TenantID tenant) {
  std::string out;
  AppendBE(tenant.account_id, 4, &out);
  AppendBE(tenant.project_id, 4, &out);
  return out;
}

Result<TenantID> DecodeTenant(std::string_view data) {
  uint64_t a, p;
  if (data.size() != 8 || !ReadBE(&data, 4, &a) || !ReadBE(&data, 4, &p)) {
    return Status::InvalidArgument("`tenant_ids` must hold exactly one tenant (8 bytes)");
  }
  return TenantID{static_cast<uint32_t>(a), static_cast<uint32_t>(p)};
}

}  // namespace vl::cluster
