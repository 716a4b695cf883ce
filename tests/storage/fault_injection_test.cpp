// SIGKILLs an ingesting child at random moments; every acknowledged row must survive exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "test_util.h"

using namespace vl;
using namespace vl::storage_test;

namespace {

constexpr uint64_t kRange = 10'000'000;  // seq range per child
constexpr int kThreads = 3;
constexpr int kKills = 12;

// Child: kThreads writers, each reports "thread, last acknowledged seq" through the pipe.
[[noreturn]] void ChildIngest(const std::string& path, uint64_t start, int fd) {
  StorageOptions o;
  o.data_path = path;
  o.disable_fsync = false;
  o.flush_interval_ms = 30;  // many flushes and merges while being killed
  o.wal_sync_window_us = 500;
  auto r = Storage::Open(o);
  if (!r.ok()) _exit(1);
  Storage* s = r.value().get();
  int64_t base = NowNs() - 3600LL * 1'000'000'000;
  std::mutex pipe_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      uint64_t seq = start + t * (kRange / kThreads);
      std::mt19937 rng(t);
      while (true) {
        size_t n = 1 + rng() % 200;
        std::vector<LogRow> rows;
        for (size_t i = 0; i < n; i++, seq++)
          rows.push_back(MakeRow({}, base + static_cast<int64_t>(seq % 100000) * 1000, "s" + std::to_string(seq % 7), seq));
        if (!s->Add(std::move(rows), nullptr).ok()) _exit(2);
        uint64_t msg[2] = {static_cast<uint64_t>(t), seq};
        std::lock_guard<std::mutex> lk(pipe_mu);
        if (write(fd, msg, sizeof(msg)) != sizeof(msg)) _exit(3);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

}  // namespace

TEST(FaultInjection, KillNineKeepsAcknowledgedRowsExactlyOnce) {
  TempDir dir;
  std::mt19937 rng(12345);
  // Acknowledged ranges [begin, end) per child thread.
  std::vector<std::pair<uint64_t, uint64_t>> acked;
  // A fixed number of kills at random moments, some while the child still opens (replays) the
  // storage, most while it ingests.
  for (int iter = 0; iter < kKills; iter++) {
    uint64_t start = (iter + 1) * kRange;
    Reports reports;
    ASSERT_NO_FATAL_FAILURE(RunAndKillChild([&](int fd) { ChildIngest(dir.path, start, fd); },
                                            [](const Reports&) { return true; },
                                            std::chrono::milliseconds(150 + rng() % 1500), &reports));
    std::vector<uint64_t> last(kThreads, 0);
    for (auto [thread, acked_end] : reports) last[thread] = acked_end;
    for (int t = 0; t < kThreads; t++) {
      uint64_t b = start + t * (kRange / kThreads);
      if (last[t] > b) acked.emplace_back(b, last[t]);
    }

    auto r = Storage::Open(TestOptions(dir.path));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto seen = CollectSeqs(*r.value(), SearchSpec());
    uint64_t required = 0;
    for (auto [b, e] : acked) {
      for (uint64_t s = b; s < e; s++) {
        auto it = seen.find(s);
        ASSERT_TRUE(it != seen.end()) << "iteration " << iter << ": acknowledged row " << s << " lost";
        required++;
      }
    }
    for (auto& [s, n] : seen) ASSERT_EQ(n, 1) << "iteration " << iter << ": row " << s << " duplicated";
    std::cout << "iteration " << iter << ": acknowledged " << required << " rows, stored " << seen.size()
              << ", parts " << r.value()->GetMetrics().parts << "\n";
    // Keep only acknowledged + found rows consistent for later rounds: unacknowledged rows that
    // made it to disk are legal and must also stay unique.
    ASSERT_TRUE(r.value()->Close().ok());
  }
}
