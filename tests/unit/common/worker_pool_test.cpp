#include "vl/common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

namespace vl {
namespace {

// Polls `condition` under a generous bound; slow machines only make it take longer.
bool WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// The work loop every caller must write: pull items until none are left.
void Drain(std::atomic<int>* next, int items, std::atomic<int>* done, std::atomic<int>* calls) {
  (*calls)++;
  while (next->fetch_add(1) < items) (*done)++;
}

TEST(WorkerPoolTest, EveryItemIsDoneExactlyOnce) {
  WorkerPool pool(3);
  for (int round = 0; round < 200; round++) {
    std::atomic<int> next{0}, done{0}, calls{0};
    pool.Run(3, [&] { Drain(&next, 1000, &done, &calls); });
    EXPECT_EQ(done.load(), 1000);
    EXPECT_GE(calls.load(), 1);
    EXPECT_LE(calls.load(), 4);
  }
}

TEST(WorkerPoolTest, PoolThreadsJoinTheWork) {
  WorkerPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  // Every call waits (bounded) until another thread has joined: the caller alone never ends it
  // early, so the test sees whether a pool thread picks the job up, however slow the machine.
  pool.Run(2, [&] {
    {
      std::lock_guard<std::mutex> lk(mu);
      ids.insert(std::this_thread::get_id());
    }
    EXPECT_TRUE(WaitUntil([&] {
      std::lock_guard<std::mutex> lk(mu);
      return ids.size() >= 2;
    }));
  });
  EXPECT_GE(ids.size(), 2u);
}

// A caller must not wait for pool threads that are busy with someone else's long job.
TEST(WorkerPoolTest, CallerFinishesAloneWhilePoolIsBusy) {
  WorkerPool pool(1);
  std::atomic<bool> release{false};
  std::atomic<int> holding{0};
  std::thread busy([&] {
    pool.Run(1, [&] {
      holding++;
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  // The busy job's own thread and the only pool thread are both inside it.
  ASSERT_TRUE(WaitUntil([&] { return holding.load() == 2; }));
  std::atomic<int> next{0}, done{0}, calls{0};
  pool.Run(1, [&] { Drain(&next, 100, &done, &calls); });  // returns without the pool thread
  EXPECT_EQ(done.load(), 100);
  EXPECT_EQ(calls.load(), 1);
  release = true;
  busy.join();
}

TEST(WorkerPoolTest, ZeroHelpersRunsInline) {
  WorkerPool pool(2);
  std::thread::id ran;
  pool.Run(0, [&] { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, std::this_thread::get_id());
}

}  // namespace
}  // namespace vl
