// Helpers shared by the storage tests.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
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

// Polls `condition` until it holds or `timeout` passes (a generous bound: slow machines and
// sanitizer builds only make it take longer); returns whether it held.
inline bool WaitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
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

using Reports = std::vector<std::pair<uint64_t, uint64_t>>;

// Reads whole (key, value) messages from `fd` into `reports`, waiting at most `wait_ms` for the
// first bytes. Returns false at end of file. `partial` keeps the bytes of a message cut in two.
inline bool ReadReports(int fd, int wait_ms, std::string* partial, Reports* reports) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, wait_ms) <= 0) return true;
  char buf[1 << 16];
  ssize_t n = read(fd, buf, sizeof(buf));
  if (n <= 0) return n < 0 && errno == EINTR;
  partial->append(buf, static_cast<size_t>(n));
  constexpr size_t kMsg = 2 * sizeof(uint64_t);
  size_t whole = partial->size() / kMsg * kMsg;
  for (size_t off = 0; off < whole; off += kMsg) {
    uint64_t msg[2];
    memcpy(msg, partial->data() + off, kMsg);
    reports->emplace_back(msg[0], msg[1]);
  }
  partial->erase(0, whole);
  return true;
}

// Forks a child that runs `child(report_fd)` (it never returns) and collects into `reports` every
// (key, value) pair of uint64s the child writes, reading them while it runs (a full pipe would
// stall the child's writers). Once `ready(reports)` holds, the child runs for `then_run_for` more
// and is SIGKILLed. A child that is not ready within `ready_within` fails the test. Call it
// inside ASSERT_NO_FATAL_FAILURE.
inline void RunAndKillChild(const std::function<void(int)>& child, const std::function<bool(const Reports&)>& ready,
                            std::chrono::milliseconds then_run_for, Reports* reports,
                            std::chrono::seconds ready_within = std::chrono::seconds(120)) {
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
  using Clock = std::chrono::steady_clock;
  std::string partial;
  const auto give_up = Clock::now() + ready_within;
  std::optional<Clock::time_point> kill_at;
  bool open = true;
  while (!kill_at || Clock::now() < *kill_at) {
    if (!kill_at && ready(*reports)) kill_at = Clock::now() + then_run_for;
    if (!kill_at && Clock::now() >= give_up) break;
    int wait_ms = 10;
    if (kill_at) {
      wait_ms = static_cast<int>(std::clamp<int64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(*kill_at - Clock::now()).count(), 0, 10));
    }
    if (open) {
      open = ReadReports(pipefd[0], wait_ms, &partial, reports);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      close(pipefd[0]);
      FAIL() << "child ended before it was killed: "
             << (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                   : "signal " + std::to_string(WTERMSIG(status)));
    }
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child ended on its own";
  while (open) open = ReadReports(pipefd[0], 1000, &partial, reports);
  close(pipefd[0]);
  ASSERT_TRUE(kill_at.has_value()) << "child not ready within " << ready_within.count() << " s";
}

}  // namespace vl::storage_test
