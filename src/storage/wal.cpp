#include "vl/storage/wal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

#include "vl/storage/format.h"
#include "vl/storage/row_batch.h"

namespace vl::storage {

namespace {

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) n++;
  return n;
}

char* WriteVarint(char* p, uint64_t v) {
  for (; v >= 0x80; v >>= 7) *p++ = static_cast<char>((v & 0x7f) | 0x80);
  *p++ = static_cast<char>(v);
  return p;
}

char* WriteString(char* p, std::string_view s) {
  p = WriteVarint(p, s.size());
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

uint64_t Zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}

}  // namespace

void EncodeRows(const std::vector<LogRow>& rows, std::string* out) {
  // Runs for every ingested row and the payload then stays in the memtable until flushed:
  // compute the exact size, reserve once, write rows into a small cache-resident scratch buffer
  // and append it in pieces (one pass over the payload's memory; resize() zero-filled it first).
  // Tags are marshalled once per distinct stream of the request (a few, usually).
  std::vector<std::pair<const LogRow*, std::string>> tags;
  std::vector<uint32_t> tags_of(rows.size());
  std::vector<size_t> row_size(rows.size());
  size_t size = VarintLen(rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    const LogRow& r = rows[i];
    size_t t = tags.size();
    for (size_t k = 0; k < tags.size(); k++) {
      const LogRow& o = *tags[k].first;
      if (o.stream_id.hi == r.stream_id.hi && o.stream_id.lo == r.stream_id.lo &&
          o.stream_tags == r.stream_tags) {
        t = k;
        break;
      }
    }
    if (t == tags.size()) {
      if (tags.size() < 64) {
        tags.emplace_back(&r, r.stream_tags.MarshalCanonical());
      } else {  // many streams: keep the scan short, marshal into the last slot
        t = tags.size() - 1;
        tags[t] = {&r, r.stream_tags.MarshalCanonical()};
      }
    }
    tags_of[i] = static_cast<uint32_t>(t);
    size_t n = VarintLen(r.tenant.account_id) + VarintLen(r.tenant.project_id) +
               VarintLen(Zigzag(r.timestamp)) + 16 + VarintLen(tags[t].second.size()) +
               tags[t].second.size() + VarintLen(r.fields.size());
    for (const auto& f : r.fields)
      n += VarintLen(f.name.size()) + f.name.size() + VarintLen(f.value.size()) + f.value.size();
    row_size[i] = n;
    size += n;
  }
  // With more than 64 streams the last slot is reused, so marshal again while writing.
  const bool reuse_last = tags.size() == 64;
  out->reserve(out->size() + size);
  thread_local std::vector<char> scratch(64 * 1024);
  char* p = scratch.data();
  p = WriteVarint(p, rows.size());
  for (size_t i = 0; i < rows.size(); i++) {
    if (row_size[i] > static_cast<size_t>(scratch.data() + scratch.size() - p)) {
      out->append(scratch.data(), p - scratch.data());
      p = scratch.data();
      if (row_size[i] > scratch.size()) {  // a huge row: grow the scratch for it
        scratch.resize(row_size[i]);
        p = scratch.data();
      }
    }
    const LogRow& r = rows[i];
    p = WriteVarint(p, r.tenant.account_id);
    p = WriteVarint(p, r.tenant.project_id);
    p = WriteVarint(p, Zigzag(r.timestamp));
    std::memcpy(p, &r.stream_id.hi, 8);  // little-endian, as PutFixed64
    std::memcpy(p + 8, &r.stream_id.lo, 8);
    p += 16;
    if (reuse_last && tags_of[i] == 63) p = WriteString(p, r.stream_tags.MarshalCanonical());
    else p = WriteString(p, tags[tags_of[i]].second);
    p = WriteVarint(p, r.fields.size());
    for (const auto& f : r.fields) {
      p = WriteString(p, f.name);
      p = WriteString(p, f.value);
    }
  }
  out->append(scratch.data(), p - scratch.data());
  if (scratch.size() > (1u << 20)) {  // do not keep a huge row's scratch per thread
    scratch.resize(64 * 1024);
    scratch.shrink_to_fit();
  }
}

bool DecodeRows(std::string_view data, std::vector<LogRow>* rows) {
  ByteReader r(data);
  uint64_t n;
  if (!r.Varint(&n)) return false;
  for (uint64_t i = 0; i < n; i++) {
    LogRow row;
    uint64_t a, p, nf;
    std::string_view tags;
    if (!r.Varint(&a) || !r.Varint(&p) || !r.Zigzag(&row.timestamp) ||
        !r.Fixed64(&row.stream_id.hi) || !r.Fixed64(&row.stream_id.lo) || !r.String(&tags) ||
        !r.Varint(&nf))
      return false;
    row.tenant = TenantID{static_cast<uint32_t>(a), static_cast<uint32_t>(p)};
    row.stream_id.tenant = row.tenant;
    if (!StreamTags::UnmarshalCanonical(tags, &row.stream_tags)) return false;
    row.fields.resize(nf);
    for (auto& f : row.fields) {
      std::string_view k, v;
      if (!r.String(&k) || !r.String(&v)) return false;
      f.name.assign(k);
      f.value.assign(v);
    }
    rows->push_back(std::move(row));
  }
  return r.empty();
}

std::string WalSegmentName(uint64_t seq) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%016llu.log", static_cast<unsigned long long>(seq));
  return buf;
}

static bool ParseSegmentName(const std::string& name, uint64_t* seq) {
  if (name.size() != 20 || name.substr(16) != ".log") return false;
  for (int i = 0; i < 16; i++)
    if (name[i] < '0' || name[i] > '9') return false;
  *seq = std::stoull(name.substr(0, 16));
  return true;
}

static std::vector<uint64_t> ListSegments(const std::string& dir) {
  std::vector<uint64_t> seqs;
  for (const auto& name : ListDir(dir)) {
    uint64_t s;
    if (ParseSegmentName(name, &s)) seqs.push_back(s);
  }
  std::sort(seqs.begin(), seqs.end());
  return seqs;
}

Status Wal::Replay(const std::string& dir,
                   const std::function<void(uint64_t, std::vector<LogRow>&&)>& fn,
                   WalReplayStats* stats) {
  return ReplayPayloads(
      dir,
      [&](uint64_t seq, std::string_view payload) {
        std::vector<LogRow> rows;
        DecodeRows(payload, &rows);
        fn(seq, std::move(rows));
      },
      stats);
}

Status Wal::ReplayPayloads(const std::string& dir,
                           const std::function<void(uint64_t, std::string_view)>& fn,
                           WalReplayStats* stats) {
  auto seqs = ListSegments(dir);
  for (size_t i = 0; i < seqs.size(); i++) {
    std::string path = dir + "/" + WalSegmentName(seqs[i]);
    std::string data;
    VL_RETURN_IF_ERROR(ReadFile(path, &data));
    stats->segments++;
    stats->max_seq = std::max(stats->max_seq, seqs[i]);
    size_t off = 0;
    bool bad = false;
    while (off < data.size()) {
      if (data.size() - off < 8) {
        bad = true;
        break;
      }
      uint32_t len = LoadFixed32(data.data() + off);
      uint32_t sum = LoadFixed32(data.data() + off + 4);
      if (len > data.size() - off - 8) {
        bad = true;
        break;
      }
      std::string_view payload(data.data() + off + 8, len);
      if (XXH32(payload.data(), payload.size(), 0) != sum ||
          !ForEachEncodedRow(payload, [](const EncodedRow&) {})) {
        bad = true;
        break;
      }
      stats->records++;
      fn(seqs[i], payload);
      off += 8 + len;
    }
    if (bad) {
      stats->truncated_bytes += data.size() - off;
      if (i + 1 == seqs.size()) {
        spdlog::warn("wal: truncating torn tail of {} at offset {} ({} bytes)", path, off,
                     data.size() - off);
        if (::truncate(path.c_str(), static_cast<off_t>(off)) != 0)
          return Status::IOError("truncate " + path + ": " + std::strerror(errno));
      } else {
        spdlog::error("wal: corrupt record in {} at offset {}; skipping the rest of the segment",
                      path, off);
      }
    }
  }
  return Status::OK();
}

Wal::Wal(std::string dir, int64_t sync_window_us, bool fsync, uint64_t start_seq)
    : dir_(std::move(dir)), sync_window_us_(sync_window_us), fsync_(fsync), cur_seq_(start_seq) {}

Wal::~Wal() {
  Stop();
  if (fd_ >= 0) ::close(fd_);
}

void Wal::Start() { writer_ = std::thread([this] { WriterLoop(); }); }

uint64_t Wal::Append(std::string_view payload) {
  // The checksum runs outside the lock: concurrent requests hash their payloads in parallel.
  const uint32_t sum = XXH32(payload.data(), payload.size(), 0);
  std::lock_guard<std::mutex> lk(mu_);
  if (pending_.empty() || pending_.back().seq != cur_seq_) pending_.push_back({cur_seq_, {}, {}, 0});
  Batch& b = pending_.back();
  PutFixed32(&b.headers, static_cast<uint32_t>(payload.size()));
  PutFixed32(&b.headers, sum);
  b.payloads.push_back(payload);
  appended_lsn_ += 8 + payload.size();
  live_bytes_ += 8 + payload.size();
  b.end_lsn = appended_lsn_;
  work_cv_.notify_one();
  return appended_lsn_;
}

Status Wal::WaitDurable(uint64_t lsn) {
  std::unique_lock<std::mutex> lk(mu_);
  done_cv_.wait(lk, [&] { return processed_lsn_ >= lsn || stopped_; });
  if (durable_lsn_ >= lsn) return Status::OK();
  if (!failed_.ok()) return failed_;
  return Status::Unavailable("wal stopped");
}

uint64_t Wal::Rotate(uint64_t* lsn) {
  std::lock_guard<std::mutex> lk(mu_);
  *lsn = appended_lsn_;
  return ++cur_seq_;
}

void Wal::DeleteSegmentsBefore(uint64_t seq) {
  uint64_t freed = 0;
  for (uint64_t s : ListSegments(dir_)) {
    if (s >= seq) continue;
    std::string path = dir_ + "/" + WalSegmentName(s);
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) freed += st.st_size;
    ::unlink(path.c_str());
  }
  if (fsync_) (void)FsyncDir(dir_);
  std::lock_guard<std::mutex> lk(mu_);
  live_bytes_ -= std::min(live_bytes_, freed);
}

uint64_t Wal::bytes() const {
  std::lock_guard<std::mutex> lk(mu_);
  return live_bytes_;
}

void Wal::Stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopped_ = true;
  }
  done_cv_.notify_all();
}

Status Wal::SyncCurrent() {
  if (fd_ >= 0 && fsync_ && ::fdatasync(fd_) != 0)
    return Status::IOError("wal fdatasync: " + std::string(std::strerror(errno)));
  return Status::OK();
}

Status Wal::WriteBatch(const Batch& b) {
  if (fd_ < 0 || fd_seq_ != b.seq) {
    VL_RETURN_IF_ERROR(SyncCurrent());
    if (fd_ >= 0) ::close(fd_);
    std::string path = dir_ + "/" + WalSegmentName(b.seq);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
    fd_seq_ = b.seq;
    if (fsync_) VL_RETURN_IF_ERROR(FsyncDir(dir_));
  }
  std::vector<iovec> iov;
  iov.reserve(2 * b.payloads.size());
  for (size_t i = 0; i < b.payloads.size(); i++) {
    iov.push_back({const_cast<char*>(b.headers.data() + 8 * i), 8});
    iov.push_back({const_cast<char*>(b.payloads[i].data()), b.payloads[i].size()});
  }
  // writev may write less than asked: skip what went out, trim a partly written piece, go on.
  size_t first = 0;
  while (first < iov.size()) {
    const int count = static_cast<int>(std::min<size_t>(iov.size() - first, IOV_MAX));
    ssize_t n = ::writev(fd_, iov.data() + first, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("wal write: " + std::string(std::strerror(errno)));
    }
    auto left = static_cast<size_t>(n);
    while (first < iov.size() && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (left > 0) {
      iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return Status::OK();
}

void Wal::WriterLoop() {
  std::unique_lock<std::mutex> lk(mu_);
  while (true) {
    work_cv_.wait(lk, [&] { return stop_ || !pending_.empty(); });
    if (pending_.empty() && stop_) break;
    if (sync_window_us_ > 0 && !stop_) {
      // Let concurrent writers join this commit.
      lk.unlock();
      std::this_thread::sleep_for(std::chrono::microseconds(sync_window_us_));
      lk.lock();
    }
    std::deque<Batch> batches;
    batches.swap(pending_);
    lk.unlock();
    Status st;
    uint64_t end = 0;
    for (const auto& b : batches) {
      if (st.ok()) st = WriteBatch(b);
      end = b.end_lsn;
    }
    if (st.ok()) st = SyncCurrent();
    lk.lock();
    processed_lsn_ = end;
    if (st.ok()) {
      durable_lsn_ = end;
    } else {
      spdlog::error("wal: {}", st.ToString());
      failed_ = st;
    }
    done_cv_.notify_all();
  }
}

}  // namespace vl::storage
