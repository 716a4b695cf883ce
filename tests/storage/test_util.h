// Helpers shared by the storage tests.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
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

// Forks a child that runs `child(report_fd)` (it never returns), lets it work for `run_for`, then
// SIGKILLs it. `reports` gets every (key, value) pair of uint64s the child wrote before it died.
// Call it inside ASSERT_NO_FATAL_FAILURE.
inline void RunAndKillChild(const std::function<void(int)>& child, std::chrono::milliseconds run_for,
                            std::vector<std::pair<uint64_t, uint64_t>>* reports) {
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipefd[0]);
    child(pipefd[1]);
    _exit(0);
  }
  close(pipefd[1]);
  std::this_thread::sleep_for(run_for);
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
  uint64_t msg[2];
  while (read(pipefd[0], msg, sizeof(msg)) == sizeof(msg)) reports->emplace_back(msg[0], msg[1]);
  close(pipefd[0]);
}

}  // namespace vl::storage_test
