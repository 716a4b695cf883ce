#include "vl/storage/wal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY  // XXH32_state_t on the stack
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "vl/storage/format.h"
#include "vl/storage/ingest_batch.h"
#include "vl/storage/row_batch.h"
#include "vl/common/thread_name.h"

namespace vl::storage {

void EncodeRows(const std::vector<LogRow>& rows, std::string* out) {
  IngestBatch batch(INT64_MIN, INT64_MAX);
  batch.AppendRows(rows);
  *out = batch.TakePayload();
}

bool DecodeRows(std::string_view data, std::vector<LogRow>* rows) {
  bool ok = true;
  const bool well_formed = ForEachEncodedRow(data, [&](const EncodedRow& e) {
    LogRow row;
    row.tenant = e.stream_id.tenant;
    row.timestamp = e.timestamp;
    row.stream_id = e.stream_id;
    if (!StreamTags::UnmarshalCanonical(e.tags, &row.stream_tags)) ok = false;
    FieldReader fields(e.fields);
    row.fields.reserve(fields.count_left());
    std::string_view k, v;
    while (fields.Next(&k, &v)) row.fields.push_back(Field{std::string(k), std::string(v)});
    rows->push_back(std::move(row));
  });
  return well_formed && ok;
}

namespace {
// O_DIRECT needs block-aligned buffers, offsets and lengths; 4096 covers 512- and 4K-sector disks.
constexpr size_t kDirectAlign = 4096;
constexpr size_t kStageBytes = 4u << 20;

bool AllZero(std::string_view s) {
  for (char c : s)
    if (c != 0) return false;
  return true;
}
}  // namespace

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
    // Direct-I/O segments end in zero padding up to a block boundary until they are closed
    // cleanly (a kill -9 leaves it): the end of the records, not damage.
    if (bad && AllZero(std::string_view(data).substr(off))) bad = false;
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


void Wal::FreeDeleter::operator()(char* p) const { std::free(p); }

Wal::Wal(std::string dir, int64_t sync_window_us, bool fsync, uint64_t start_seq, bool direct_io)
    : dir_(std::move(dir)),
      sync_window_us_(sync_window_us),
      fsync_(fsync),
      cur_seq_(start_seq),
      direct_io_(direct_io) {}

Wal::~Wal() {
  Stop();
  (void)CloseSegment();
}

void Wal::Start() {
  writer_ = std::thread([this] {
    SetThreadName("vl-wal");
    WriterLoop();
  });
}

uint64_t Wal::Append(std::string_view payload) { return Append(std::span<const std::string_view>(&payload, 1)); }

uint64_t Wal::Append(std::span<const std::string_view> pieces) {
  // The checksum runs outside the lock: concurrent requests hash their payloads in parallel.
  XXH32_state_t state;
  XXH32_reset(&state, 0);
  size_t size = 0;
  for (std::string_view piece : pieces) {
    XXH32_update(&state, piece.data(), piece.size());
    size += piece.size();
  }
  const uint32_t sum = XXH32_digest(&state);
  std::lock_guard<std::mutex> lk(mu_);
  if (pending_.empty() || pending_.back().seq != cur_seq_) pending_.push_back({cur_seq_, {}, {}, {}, 0});
  Batch& b = pending_.back();
  PutFixed32(&b.headers, static_cast<uint32_t>(size));
  PutFixed32(&b.headers, sum);
  b.record_starts.push_back(static_cast<uint32_t>(b.pieces.size()));
  b.pieces.insert(b.pieces.end(), pieces.begin(), pieces.end());
  appended_lsn_ += 8 + size;
  live_bytes_ += 8 + size;
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

Status Wal::OpenSegment(uint64_t seq) {
  VL_RETURN_IF_ERROR(CloseSegment());
  std::string path = dir_ + "/" + WalSegmentName(seq);
  // Staged writes go to explicit offsets (pwrite ignores them under O_APPEND).
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (direct_io_ ? O_DIRECT : O_APPEND);
  fd_ = ::open(path.c_str(), flags, 0644);
  if (fd_ < 0 && direct_io_ && errno == EINVAL) fd_ = ::open(path.c_str(), flags & ~O_DIRECT, 0644);
  if (fd_ < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  fd_seq_ = seq;
  block_off_ = 0;
  staged_bytes_ = 0;
  if (fsync_) VL_RETURN_IF_ERROR(FsyncDir(dir_));
  return Status::OK();
}

Status Wal::CloseSegment() {
  if (fd_ < 0) return Status::OK();
  Status st = SyncCurrent();
  // Cut the padding after the last record so a closed segment holds exactly its records.
  if (st.ok() && direct_io_ && ::ftruncate(fd_, static_cast<off_t>(block_off_ + staged_bytes_)) != 0)
    st = Status::IOError("wal truncate: " + std::string(std::strerror(errno)));
  ::close(fd_);
  fd_ = -1;
  return st;
}

Status Wal::WriteStaged(size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::pwrite(fd_, stage_.get() + done, len - done, static_cast<off_t>(block_off_ + done));
    if (n < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      const int flags = ::fcntl(fd_, F_GETFL);
      if (err == EINVAL && flags >= 0 && (flags & O_DIRECT)) {
        // The file system takes O_DIRECT at open but not for this write: go on buffered.
        spdlog::warn("wal: direct I/O refused by the file system, writing through the page cache");
        if (::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) == 0) continue;
      }
      return Status::IOError("wal write: " + std::string(std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status Wal::StageAndWrite(const std::vector<iovec>& iov) {
  if (!stage_) {
    void* p = std::aligned_alloc(kDirectAlign, kStageBytes);
    if (p == nullptr) return Status::IOError("wal: cannot allocate the staging buffer");
    stage_.reset(static_cast<char*>(p));
  }
  for (const iovec& v : iov) {
    const char* src = static_cast<const char*>(v.iov_base);
    size_t left = v.iov_len;
    while (left > 0) {
      const size_t n = std::min(left, kStageBytes - staged_bytes_);
      std::memcpy(stage_.get() + staged_bytes_, src, n);
      staged_bytes_ += n;
      src += n;
      left -= n;
      if (staged_bytes_ == kStageBytes) {
        VL_RETURN_IF_ERROR(WriteStaged(kStageBytes));
        block_off_ += kStageBytes;
        staged_bytes_ = 0;
      }
    }
  }
  if (staged_bytes_ == 0) return Status::OK();
  // The last block goes out zero-padded and stays staged: the next record rewrites it.
  const size_t padded = (staged_bytes_ + kDirectAlign - 1) / kDirectAlign * kDirectAlign;
  std::memset(stage_.get() + staged_bytes_, 0, padded - staged_bytes_);
  VL_RETURN_IF_ERROR(WriteStaged(padded));
  const size_t full = staged_bytes_ / kDirectAlign * kDirectAlign;
  if (full > 0) {
    std::memmove(stage_.get(), stage_.get() + full, staged_bytes_ - full);
    block_off_ += full;
    staged_bytes_ -= full;
  }
  return Status::OK();
}

Status Wal::WriteBatch(const Batch& b) {
  if (fd_ < 0 || fd_seq_ != b.seq) VL_RETURN_IF_ERROR(OpenSegment(b.seq));
  std::vector<iovec> iov;
  iov.reserve(b.record_starts.size() + b.pieces.size());
  for (size_t r = 0; r < b.record_starts.size(); r++) {
    iov.push_back({const_cast<char*>(b.headers.data() + 8 * r), 8});
    const size_t end = r + 1 < b.record_starts.size() ? b.record_starts[r + 1] : b.pieces.size();
    for (size_t i = b.record_starts[r]; i < end; i++)
      iov.push_back({const_cast<char*>(b.pieces[i].data()), b.pieces[i].size()});
  }
  if (direct_io_) return StageAndWrite(iov);
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
  lk.unlock();
  Status st = CloseSegment();
  if (!st.ok()) spdlog::error("wal: {}", st.ToString());
}

}  // namespace vl::storage
