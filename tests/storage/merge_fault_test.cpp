// SIGKILLs a child that ingests *and merges all the time* (tiny flush interval, ForceMerge in a
// loop), so kills land inside part writes, parts.json swaps and merge output. After every kill
// the data directory must open, hold every acknowledged row exactly once and no temp leftovers.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <thread>

#include "test_util.h"

using namespace vl;
using namespace vl::storage_test;

namespace {

constexpr uint64_t kRange = 10'000'000;  // seq range per child
constexpr int kWriters = 2;
constexpr uint64_t kMergeReport = kWriters;  // pipe message id of the merger thread
constexpr int kKills = 24;

// Child: kWriters writers report "thread, last acknowledged seq"; one thread forces merges and
// reports the merge count. Writers pause between batches so the data (and the parent's checks)
// stay small while merges keep running.
[[noreturn]] void ChildIngestAndMerge(const std::string& path, uint64_t start, int fd) {
  StorageOptions o;
  o.data_path = path;
  o.disable_fsync = false;
  o.flush_interval_ms = 10;  // a part every 10 ms: always something to merge
  o.wal_sync_window_us = 500;
  auto r = Storage::Open(o);
  if (!r.ok()) _exit(1);
  Storage* s = r.value().get();
  int64_t base = NowNs() - 3600LL * 1'000'000'000;
  std::mutex pipe_mu;
  auto report = [&](uint64_t id, uint64_t value) {
    uint64_t msg[2] = {id, value};
    std::lock_guard<std::mutex> lk(pipe_mu);
    if (write(fd, msg, sizeof(msg)) != sizeof(msg)) _exit(3);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; t++) {
    threads.emplace_back([&, t] {
      uint64_t seq = start + t * (kRange / kWriters);
      std::mt19937 rng(t + start);
      while (true) {
        size_t n = 1 + rng() % 60;
        std::vector<LogRow> rows;
        for (size_t i = 0; i < n; i++, seq++)
          rows.push_back(MakeRow({}, base + static_cast<int64_t>(seq % 100000) * 1000,
                                 "s" + std::to_string(seq % 5), seq));
        if (!s->Add(std::move(rows), nullptr).ok()) _exit(2);
        report(t, seq);
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      }
    });
  }
  threads.emplace_back([&] {
    while (true) {
      s->ForceMerge("");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      report(kMergeReport, s->GetMetrics().merges);
    }
  });
  for (auto& th : threads) th.join();
  _exit(0);
}

std::vector<std::string> TempLeftovers(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) out.push_back(it->path().string());
  }
  return out;
}

}  // namespace

TEST(MergeFaultInjection, KillsDuringMergesLoseAndDuplicateNothing) {
  TempDir dir;
  std::mt19937 rng(777);
  std::vector<std::pair<uint64_t, uint64_t>> acked;  // [begin, end) per child writer
  uint64_t merges_seen = 0;
  for (int iter = 0; iter < kKills; iter++) {
    uint64_t start = (iter + 1) * kRange;
    Reports reports;
    // Even rounds wait until the child has finished a merge, then kill within the next merges;
    // odd rounds kill at any moment, replay and the first flushes included.
    const bool after_a_merge = iter % 2 == 0;
    auto ready = [after_a_merge](const Reports& r) {
      if (!after_a_merge) return true;
      return std::any_of(r.begin(), r.end(), [](auto& m) { return m.first == kMergeReport && m.second > 0; });
    };
    ASSERT_NO_FATAL_FAILURE(RunAndKillChild([&](int fd) { ChildIngestAndMerge(dir.path, start, fd); }, ready,
                                            std::chrono::milliseconds(after_a_merge ? rng() % 400 : 80 + rng() % 900),
                                            &reports));
    std::vector<uint64_t> last(kWriters, 0);
    uint64_t merges = 0;
    for (auto [key, value] : reports) {
      if (key == kMergeReport) merges = value;
      else last[key] = value;
    }
    merges_seen += merges;
    for (int t = 0; t < kWriters; t++) {
      uint64_t b = start + t * (kRange / kWriters);
      if (last[t] > b) acked.emplace_back(b, last[t]);
    }

    auto r = Storage::Open(TestOptions(dir.path));
    ASSERT_TRUE(r.ok()) << "iteration " << iter << ": data dir does not open: " << r.status().ToString();
    auto seen = CollectSeqs(*r.value(), SearchSpec());
    uint64_t required = 0;
    for (auto [b, e] : acked) {
      for (uint64_t s = b; s < e; s++) {
        ASSERT_TRUE(seen.count(s)) << "iteration " << iter << ": acknowledged row " << s << " lost";
        required++;
      }
    }
    for (auto& [s, n] : seen) ASSERT_EQ(n, 1) << "iteration " << iter << ": row " << s << " duplicated";
    std::cout << "kill " << iter + 1 << ": acknowledged " << required << " rows, stored " << seen.size()
              << ", parts " << r.value()->GetMetrics().parts << ", merges in the child " << merges << "\n";
    ASSERT_TRUE(r.value()->Close().ok());
    // Checked once closed: the reopened storage may itself be merging into a .tmp until then.
    auto leftovers = TempLeftovers(dir.path);
    ASSERT_TRUE(leftovers.empty()) << "iteration " << iter << ": temp leftover " << leftovers[0];
  }
  EXPECT_GE(merges_seen, static_cast<uint64_t>(kKills / 2)) << "the children hardly merged: kills missed merges";
}
