// What keeps the data directory within bounds: -retentionPeriod (whole days),
// -retention.maxDiskSpaceUsageBytes (oldest days first) and the -storage.minFreeDiskSpaceBytes
// guard that turns the node read-only on a nearly full disk.
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "vl/storage/engine.h"
#include "vl/common/time_util.h"
#include "vl/storage/format.h"

namespace vl::storage {

namespace {
// The two newest partitions hold today's (and maybe tomorrow's) writes; dropping them to save
// space would throw away what users ingest right now, so the size cap never touches them.
constexpr size_t kKeptNewestPartitions = 2;
constexpr auto kFreeSpaceCheckInterval = std::chrono::seconds(1);
constexpr auto kDiskUsageCheckInterval = std::chrono::seconds(10);
constexpr auto kRetentionCheckInterval = std::chrono::hours(1);
}  // namespace

void StorageEngine::ApplyRetention() {
  int64_t min_day = MinDay(NowNanos());
  std::vector<std::shared_ptr<Partition>> old;
  {
    std::lock_guard<std::mutex> lk(partitions_mu_);
    for (auto it = partitions_.begin(); it != partitions_.end() && it->first < min_day;) {
      old.push_back(it->second);
      it = partitions_.erase(it);
    }
  }
  for (auto& p : old) {
    spdlog::info("storage: dropping partition {} (older than -retentionPeriod)", p->name());
    p->Drop();
    dropped_retention_++;
  }
}

void StorageEngine::ApplyDiskUsageLimit() {
  const uint64_t limit = opts_.max_disk_space_usage_bytes;
  if (limit == 0) return;
  std::vector<std::pair<std::shared_ptr<Partition>, uint64_t>> drop;
  uint64_t total = 0;
  {
    std::lock_guard<std::mutex> lk(partitions_mu_);
    // Newest to oldest: once the running total passes the limit, this partition and every
    // older one go (they are what makes the data too big).
    size_t i = 0;
    auto it = partitions_.end();
    while (it != partitions_.begin()) {
      --it;
      uint64_t size = it->second->DiskBytes();
      total += size;
      if (i++ >= kKeptNewestPartitions && total > limit) {
        for (auto old = partitions_.begin();; ++old) {
          drop.emplace_back(old->second, old->second->DiskBytes());
          if (old == it) break;
        }
        partitions_.erase(partitions_.begin(), std::next(it));
        break;
      }
    }
  }
  for (auto& [p, size] : drop) {
    spdlog::warn(
        "storage: dropping partition {} ({} bytes): the data outgrew "
        "-retention.maxDiskSpaceUsageBytes={} (the 2 newest partitions are always kept)",
        p->name(), size, limit);
    p->Drop();
    dropped_disk_usage_++;
  }
}

void StorageEngine::CheckFreeSpace() {
  uint64_t free_bytes;
  if (opts_.free_space_probe) {
    free_bytes = opts_.free_space_probe();
  } else {
    struct statvfs st;
    if (::statvfs(opts_.data_path.c_str(), &st) != 0) {
      // Unknown free space: keep the previous state rather than flapping on a transient error.
      spdlog::error("storage: statvfs {}: {}", opts_.data_path, std::strerror(errno));
      return;
    }
    free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  }
  free_disk_bytes_ = free_bytes;
  const uint64_t min_free = opts_.min_free_disk_space_bytes;
  const bool read_only = min_free > 0 && free_bytes < min_free;
  const bool was = read_only_.exchange(read_only);
  if (read_only && !was) {
    spdlog::warn(
        "storage: free disk space at -storageDataPath={} is {} bytes, below "
        "-storage.minFreeDiskSpaceBytes={}; the storage is read-only and rejects inserts until "
        "space is freed",
        opts_.data_path, free_bytes, min_free);
  } else if (!read_only && was) {
    spdlog::info("storage: free disk space at {} is {} bytes again; accepting inserts",
                 opts_.data_path, free_bytes);
  }
}

void StorageEngine::DiskGuardLoop() {
  auto last_usage = std::chrono::steady_clock::now();
  auto last_retention = last_usage;
  ApplyRetention();
  while (!stop_) {
    {
      std::unique_lock<std::mutex> lk(bg_mu_);
      bg_cv_.wait_for(lk, kFreeSpaceCheckInterval, [&] { return stop_.load(); });
    }
    if (stop_) break;
    CheckFreeSpace();
    auto now = std::chrono::steady_clock::now();
    if (now - last_usage >= kDiskUsageCheckInterval) {
      last_usage = now;
      ApplyDiskUsageLimit();
    }
    if (now - last_retention >= kRetentionCheckInterval) {
      last_retention = now;
      ApplyRetention();
    }
  }
}

}  // namespace vl::storage
