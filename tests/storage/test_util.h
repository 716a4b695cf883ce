// Helpers shared by the storage tests.
#pragma once

#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "vl/storage/storage.h"

namespace vl::storage_test {

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/vl_storage_test_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline LogRow MakeRow(TenantID tenant, int64_t ts, const std::string& app, uint64_t seq,
                      const std::string& msg = "") {
  LogRow r;
  r.tenant = tenant;
  r.timestamp = ts;
  r.stream_tags.Add("app", app);
  r.stream_tags.Canonicalize();
  r.stream_id = StreamID::Compute(tenant, r.stream_tags);
  r.fields.push_back({"_msg", msg.empty() ? "message number " + std::to_string(seq) : msg});
  r.fields.push_back({"seq", std::to_string(seq)});
  r.fields.push_back({"level", seq % 3 == 0 ? "error" : "info"});
  if (seq % 2) r.fields.push_back({"odd", "yes"});
  return r;
}

// seq value -> times seen, over all blocks matching the spec.
inline std::map<uint64_t, int> CollectSeqs(const Storage& s, const SearchSpec& spec,
                                           bool parallel = false, Status* status = nullptr) {
  std::map<uint64_t, int> seen;
  std::mutex mu;
  Status st = s.Search(
      spec,
      [&](BlockView& b) {
        const ColumnValues* col = b.column("seq");
        if (!col) return true;
        std::lock_guard<std::mutex> lk(mu);
        for (auto v : *col) seen[std::stoull(std::string(v))]++;
        return true;
      },
      parallel);
  if (status) *status = st;
  return seen;
}

inline StorageOptions TestOptions(const std::string& path) {
  StorageOptions o;
  o.data_path = path;
  o.disable_fsync = true;
  o.wal_sync_window_us = 0;
  o.flush_interval_ms = 100000;
  return o;
}

}  // namespace vl::storage_test
