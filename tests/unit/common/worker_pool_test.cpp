#include "vl/common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

namespace vl {
namespace {

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
  std::atomic<int> next{0};
  pool.Run(2, [&] {
    while (next.fetch_add(1) < 50) {
      {
        std::lock_guard<std::mutex> lk(mu);
        ids.insert(std::this_thread::get_id());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  EXPECT_GE(ids.size(), 2u);
}

// A caller must not wait for pool threads that are busy with someone else's long job.
TEST(WorkerPoolTest, CallerFinishesAloneWhilePoolIsBusy) {
  WorkerPool pool(1);
  std::atomic<bool> release{false};
  std::thread busy([&] {
    pool.Run(1, [&] {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the pool thread is now held
  std::atomic<int> next{0}, done{0}, calls{0};
  pool.Run(1, [&] { Drain(&next, 100, &done, &calls); });  // returns without the pool thread
  EXPECT_EQ(done.load(), 100);
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
