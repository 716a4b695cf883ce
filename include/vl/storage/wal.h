// Write-ahead log with group commit: `<dir>/<16-digit seq>.log` segments of checksummed records.
// Record = u32 payload length + u32 XXH32(payload) + payload (ingest_batch.h format). A segment
// written with direct I/O may end in zero padding up to a 4 KiB boundary (cut when the segment is
// closed, left by a crash); replay reads it as the end of the records.
#pragma once

#include <sys/uio.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "vl/common/log_row.h"
#include "vl/common/status.h"

namespace vl::storage {

// The rows as one payload (ingest_batch.h format) in *out, whose capacity is reused.
void EncodeRows(const std::vector<LogRow>& rows, std::string* out);
bool DecodeRows(std::string_view data, std::vector<LogRow>* rows);

struct WalReplayStats {
  uint64_t segments = 0;
  uint64_t records = 0;
  uint64_t truncated_bytes = 0;  // garbage cut off the tail of the last segment
  uint64_t max_seq = 0;
};

class Wal {
 public:
  // direct_io: records are copied into an aligned staging buffer and written with O_DIRECT
  // (falling back to buffered writes where the file system refuses it). The kernel then neither
  // copies them into the page cache nor writes them back at fsync time: at full ingestion speed
  // that copy was about 8% of the server's CPU and half of each commit's latency.
  Wal(std::string dir, int64_t sync_window_us, bool fsync, uint64_t start_seq, bool direct_io = false);
  ~Wal();

  // Reads every segment in order and calls fn(seq, payload) per record whose checksum and row
  // structure are valid. A torn or corrupt record ends its segment; in the last segment the file
  // is truncated there. The payload view is valid only during the call.
  static Status ReplayPayloads(const std::string& dir,
                               const std::function<void(uint64_t seq, std::string_view)>& fn,
                               WalReplayStats* stats);
  // The same with the records decoded into LogRows (tools and tests).
  static Status Replay(const std::string& dir,
                       const std::function<void(uint64_t seq, std::vector<LogRow>&&)>& fn,
                       WalReplayStats* stats);

  void Start();
  // Queues a record; returns its log sequence number (byte position) for WaitDurable.
  // The payload is not copied: its bytes must stay valid and unchanged until WaitDurable(lsn)
  // has returned (the memtable keeps them anyway; copying every ingested byte once more cost
  // 5% of ingestion CPU).
  uint64_t Append(std::string_view payload);
  // One record made of the concatenated pieces (the chunks of one request: all or none of
  // them survive a crash).
  uint64_t Append(std::span<const std::string_view> pieces);
  // Blocks until everything up to lsn is written (and fsynced unless disabled), or until the
  // writer has given up on it; either way the WAL no longer reads those payloads on return.
  Status WaitDurable(uint64_t lsn);
  // Starts a new segment for subsequent records. Returns the new segment seq; *lsn gets the lsn
  // of the last record of the previous segments.
  uint64_t Rotate(uint64_t* lsn);
  // Removes segments with seq < `seq` (their rows are safely in parts).
  void DeleteSegmentsBefore(uint64_t seq);
  // Stops the writer after writing everything queued.
  void Stop();
  uint64_t bytes() const;

 private:
  // Records of one segment, written with one writev per IOV_MAX pieces.
  struct Batch {
    uint64_t seq;
    std::string headers;                   // 8 bytes per record: length + XXH32
    std::vector<uint32_t> record_starts;   // each record's first index in `pieces`
    std::vector<std::string_view> pieces;  // the caller's bytes, see Append
    uint64_t end_lsn;
  };
  void WriterLoop();
  Status OpenSegment(uint64_t seq);
  Status CloseSegment();
  Status WriteBatch(const Batch& b);
  // Direct-I/O path of WriteBatch: stages the bytes and writes whole aligned blocks.
  Status StageAndWrite(const std::vector<iovec>& iov);
  Status WriteStaged(size_t len);
  Status SyncCurrent();

  const std::string dir_;
  const int64_t sync_window_us_;
  const bool fsync_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Batch> pending_;
  uint64_t cur_seq_;
  uint64_t appended_lsn_ = 0;
  uint64_t durable_lsn_ = 0;
  uint64_t processed_lsn_ = 0;  // written or failed: the writer is done with the payloads
  uint64_t live_bytes_ = 0;
  Status failed_;
  bool stop_ = false;
  bool stopped_ = false;
  std::thread writer_;

  // Writer-thread state.
  int fd_ = -1;
  uint64_t fd_seq_ = 0;
  // Direct-I/O writing: stage_ holds the segment's bytes from block_off_ on; the first
  // staged_bytes_ are valid (the last partial block, rewritten with the next record).
  const bool direct_io_;
  struct FreeDeleter {
    void operator()(char* p) const;
  };
  std::unique_ptr<char, FreeDeleter> stage_;
  uint64_t block_off_ = 0;
  size_t staged_bytes_ = 0;
};

std::string WalSegmentName(uint64_t seq);

}  // namespace vl::storage
