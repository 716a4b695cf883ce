// Opens parts (index in memory, data via pread) and serves blocks through PartBlockView.
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "vl/common/tokenizer.h"
#include "vl/storage/column.h"
#include "vl/storage/format.h"
#include "vl/storage/part.h"

namespace vl::storage {

// One column record of the index (see part.h for both versions).
bool Part::ReadColumnRef(ByteReader* r, uint64_t version, Part* p, ColumnRef* ref) {
  uint64_t ni, off = 0, size = 0, boff = 0, bsize = 0, enc = kUnknownEncoding, flags = 0;
  if (!r->Varint(&ni) || ni >= p->column_names_.size()) return false;
  if (version >= 2 && (!r->Varint(&enc) || !r->Varint(&flags))) return false;
  if (flags & 2) {
    std::string_view v;
    if (!r->String(&v)) return false;
    ref->const_idx = static_cast<int32_t>(p->const_values_.size());
    p->const_values_.emplace_back(v);
  } else if (!r->Varint(&off) || !r->Varint(&size) || !r->Varint(&boff) || !r->Varint(&bsize)) {
    return false;
  }
  if (flags & 1) {
    uint64_t lo, hi;
    if (!r->Fixed64(&lo) || !r->Fixed64(&hi)) return false;
    std::memcpy(&ref->min, &lo, 8);
    std::memcpy(&ref->max, &hi, 8);
    ref->has_range = true;
  }
  ref->name_idx = static_cast<uint32_t>(ni);
  ref->offset = off;
  ref->size = static_cast<uint32_t>(size);
  ref->bloom_offset = boff;
  ref->bloom_size = static_cast<uint32_t>(bsize);
  ref->encoding = static_cast<uint8_t>(enc);
  return true;
}

Result<std::shared_ptr<Part>> Part::Open(const std::string& dir, uint64_t id) {
  std::shared_ptr<Part> p(new Part());
  p->id_ = id;
  p->dir_ = dir;
  std::string meta_json, index;
  VL_RETURN_IF_ERROR(ReadFile(dir + "/meta.json", &meta_json));
  if (!PartMeta::FromJson(meta_json, &p->meta_)) return Status::Corruption("bad meta.json in " + dir);
  if (p->meta_.format_version < kOldestPartFormatVersion ||
      p->meta_.format_version > kPartFormatVersion)
    return Status::Corruption("unsupported part format version " +
                              std::to_string(p->meta_.format_version) + " in " + dir +
                              " (this build reads versions " +
                              std::to_string(kOldestPartFormatVersion) + " to " +
                              std::to_string(kPartFormatVersion) + ")");
  VL_RETURN_IF_ERROR(ReadFile(dir + "/index.bin", &index));
  if (index.size() < 8 ||
      XXH64(index.data(), index.size() - 8, 0) != LoadFixed64(index.data() + index.size() - 8))
    return Status::Corruption("index checksum mismatch in " + dir);
  std::string raw;
  if (!DecompressChunk(std::string_view(index).substr(0, index.size() - 8), &raw) ||
      raw.compare(0, 4, "VLPI") != 0)
    return Status::Corruption("bad index in " + dir);
  ByteReader r(std::string_view(raw).substr(4));
  auto bad = [&] { return Status::Corruption("truncated index in " + dir); };
  uint64_t version, n;
  if (!r.Varint(&version) || version != p->meta_.format_version || !r.Varint(&n)) return bad();
  p->streams_.resize(n);
  for (auto& s : p->streams_) {
    uint64_t a, pr;
    std::string_view tags;
    if (!r.Varint(&a) || !r.Varint(&pr) || !r.Fixed64(&s.id.hi) || !r.Fixed64(&s.id.lo) ||
        !r.String(&tags) || !StreamTags::UnmarshalCanonical(tags, &s.tags))
      return bad();
    s.id.tenant = TenantID{static_cast<uint32_t>(a), static_cast<uint32_t>(pr)};
  }
  if (!r.Varint(&n)) return bad();
  p->column_names_.resize(n);
  for (auto& name : p->column_names_) {
    std::string_view v;
    if (!r.String(&v)) return bad();
    name.assign(v);
  }
  if (!r.Varint(&n)) return bad();
  p->blocks_.resize(n);
  for (auto& b : p->blocks_) {
    uint64_t si, rows, span, tso, tss, nc;
    if (!r.Varint(&si) || !r.Varint(&rows) || !r.Zigzag(&b.min_ts) || !r.Varint(&span) ||
        !r.Varint(&tso) || !r.Varint(&tss) || !r.Varint(&nc) || si >= p->streams_.size())
      return bad();
    b.stream_idx = static_cast<uint32_t>(si);
    b.rows = static_cast<uint32_t>(rows);
    b.max_ts = b.min_ts + static_cast<int64_t>(span);
    b.ts_offset = tso;
    b.ts_size = static_cast<uint32_t>(tss);
    b.first_col = static_cast<uint32_t>(p->columns_.size());
    b.ncols = static_cast<uint32_t>(nc);
    for (uint64_t c = 0; c < nc; c++) {
      ColumnRef ref;
      if (!ReadColumnRef(&r, version, p.get(), &ref)) return bad();
      p->columns_.push_back(ref);
    }
  }
  p->IndexStreams();
  std::string data_path = dir + "/data.bin";
  p->fd_ = ::open(data_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (p->fd_ < 0) return Status::IOError("open " + data_path + ": " + std::strerror(errno));
  return p;
}

void Part::IndexStreams() {
  stream_blocks_.assign(streams_.size(), BlockRange{});
  streams_contiguous_ = true;
  for (uint32_t b = 0; b < blocks_.size(); b++) {
    BlockRange& r = stream_blocks_[blocks_[b].stream_idx];
    if (r.end == b && r.end != 0) {
      r.end = b + 1;  // continues the stream's run
    } else if (r.end == 0) {
      r = BlockRange{b, b + 1};
    } else {
      streams_contiguous_ = false;  // the stream comes back after another one
      break;
    }
  }
  if (!streams_contiguous_) stream_blocks_.clear();

  auto by_id = [&](uint32_t a, uint32_t b) { return streams_[a].id < streams_[b].id; };
  streams_by_id_.clear();
  for (size_t i = 1; i < streams_.size(); i++) {
    if (!(streams_[i - 1].id < streams_[i].id)) {
      streams_by_id_.resize(streams_.size());
      for (uint32_t k = 0; k < streams_by_id_.size(); k++) streams_by_id_[k] = k;
      std::sort(streams_by_id_.begin(), streams_by_id_.end(), by_id);
      break;
    }
  }
}

int64_t Part::FindStream(const StreamID& id) const {
  if (streams_by_id_.empty()) {
    auto it = std::lower_bound(streams_.begin(), streams_.end(), id,
                               [](const StreamEntry& e, const StreamID& v) { return e.id < v; });
    if (it == streams_.end() || !(it->id == id)) return -1;
    return it - streams_.begin();
  }
  auto it = std::lower_bound(streams_by_id_.begin(), streams_by_id_.end(), id,
                             [&](uint32_t i, const StreamID& v) { return streams_[i].id < v; });
  if (it == streams_by_id_.end() || !(streams_[*it].id == id)) return -1;
  return *it;
}

Part::~Part() {
  if (fd_ >= 0) ::close(fd_);
  if (delete_on_close_) RemoveAll(dir_);
}

Status Part::Read(uint64_t offset, uint32_t size, std::string* out) const {
  out->resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd_, out->data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError("pread " + dir_ + "/data.bin failed");
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

void PartBlockView::Reset(const Part* part, size_t block) {
  part_ = part;
  meta_ = &part->blocks()[block];
  ts_loaded_ = false;
  names_loaded_ = false;
  if (cols_.size() < meta_->ncols) cols_.resize(meta_->ncols);
  for (size_t i = 0; i < meta_->ncols; i++) {
    cols_[i].loaded = false;
    cols_[i].bloom_loaded = false;
    cols_[i].nums_loaded = false;
  }
  error_ = Status::OK();
}

std::span<const int64_t> PartBlockView::timestamps() {
  if (!ts_loaded_) {
    ts_loaded_ = true;
    std::string chunk;
    Status st = part_->Read(meta_->ts_offset, meta_->ts_size, &chunk);
    if (!st.ok() || !DecodeTimestamps(chunk, meta_->rows, &ts_)) {
      error_ = st.ok() ? Status::Corruption("bad timestamps in " + part_->dir()) : st;
      ts_.assign(meta_->rows, meta_->min_ts);
    }
  }
  return {ts_.data(), meta_->rows};
}

const std::vector<std::string>& PartBlockView::column_names() const {
  if (!names_loaded_) {
    names_loaded_ = true;
    names_.clear();
    const auto& cols = part_->columns();
    for (size_t i = 0; i < meta_->ncols; i++)
      names_.push_back(part_->column_names()[cols[meta_->first_col + i].name_idx]);
  }
  return names_;
}

const ColumnRef* PartBlockView::FindColumn(std::string_view name) const {
  const ColumnRef* begin = part_->columns().data() + meta_->first_col;
  const ColumnRef* end = begin + meta_->ncols;
  const auto& names = part_->column_names();
  auto it = std::lower_bound(begin, end, name, [&](const ColumnRef& c, std::string_view n) {
    return names[c.name_idx] < n;
  });
  if (it == end || names[it->name_idx] != name) return nullptr;
  return it;
}

const ColumnValues* PartBlockView::column(std::string_view name) {
  const ColumnRef* ref = FindColumn(name);
  if (!ref) return nullptr;
  Decoded& d = cols_[ref - (part_->columns().data() + meta_->first_col)];
  if (!d.loaded && ref->const_idx >= 0) {
    d.loaded = true;
    d.values.assign(meta_->rows, std::string_view(part_->const_values()[ref->const_idx]));
  }
  if (!d.loaded) {
    d.loaded = true;
    std::string chunk;
    Status st = part_->Read(ref->offset, ref->size, &chunk);
    if (!d.buf || d.buf.use_count() > 1) d.buf = std::make_shared<std::string>();
    d.values.clear();
    if (!st.ok() || !DecodeColumn(chunk, meta_->rows, d.buf.get(), &d.values)) {
      error_ = st.ok() ? Status::Corruption("bad column in " + part_->dir()) : st;
      d.values.assign(meta_->rows, std::string_view());
    }
  }
  return &d.values;
}

bool PartBlockView::MayContainToken(std::string_view column, std::string_view token) {
  const ColumnRef* ref = FindColumn(column);
  if (!ref) return false;
  if (ref->const_idx >= 0) {
    bool found = false;
    vl::ForEachToken(std::string_view(part_->const_values()[ref->const_idx]),
                     [&](std::string_view t) { found = found || t == token; });
    return found;
  }
  Decoded& d = cols_[ref - (part_->columns().data() + meta_->first_col)];
  if (!d.bloom_loaded) {
    d.bloom_loaded = true;
    if (!part_->Read(ref->bloom_offset, ref->bloom_size, &d.bloom).ok()) d.bloom.clear();
  }
  if (d.bloom.empty()) return true;
  return BloomFilter::MayContain(d.bloom, token);
}

}  // namespace vl::storage

namespace vl::storage {

bool PartBlockView::NumericRange(std::string_view column, double* min, double* max) {
  const ColumnRef* ref = FindColumn(column);
  if (!ref || !ref->has_range) return false;
  *min = ref->min;
  *max = ref->max;
  return true;
}

const double* PartBlockView::NumericColumn(std::string_view column) {
  const ColumnRef* ref = FindColumn(column);
  if (!ref || ref->const_idx >= 0) return nullptr;
  const auto enc = static_cast<ColumnEncoding>(ref->encoding);
  if (enc < ColumnEncoding::kUint8 || enc > ColumnEncoding::kFloat64) return nullptr;
  Decoded& d = cols_[ref - (part_->columns().data() + meta_->first_col)];
  if (!d.nums_loaded) {
    d.nums_loaded = true;
    std::string chunk, scratch;
    d.nums_ok = part_->Read(ref->offset, ref->size, &chunk).ok() &&
                DecodeColumnNumbers(chunk, meta_->rows, &scratch, &d.nums);
  }
  return d.nums_ok ? d.nums.data() : nullptr;
}

std::string_view PartBlockView::ColumnType(std::string_view column) {
  const ColumnRef* ref = FindColumn(column);
  if (!ref) return {};
  if (ref->const_idx >= 0) return "const";
  return ColumnEncodingName(static_cast<ColumnEncoding>(ref->encoding));
}

std::shared_ptr<const void> PartBlockView::ColumnOwner(std::string_view column) {
  const ColumnRef* ref = FindColumn(column);
  if (!ref) return nullptr;
  const Decoded& d = cols_[ref - (part_->columns().data() + meta_->first_col)];
  if (!d.loaded) return nullptr;
  // Const columns point into the part's index, which lives as long as the part is open, not as
  // long as a result may: they are not shared.
  if (ref->const_idx >= 0) return nullptr;
  return d.buf;
}

bool PartBlockView::ConstValue(std::string_view column, std::string_view* value) {
  const ColumnRef* ref = FindColumn(column);
  if (!ref) {
    *value = {};
    return true;
  }
  if (ref->const_idx < 0) return false;
  *value = part_->const_values()[ref->const_idx];
  return true;
}

}  // namespace vl::storage
