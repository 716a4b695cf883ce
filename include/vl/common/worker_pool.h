// Persistent threads that join a caller's work loop.
//
// A search over a few dozen blocks took longer to start its threads than to read the blocks:
// thread creation (clone, stack mapping, TLB shootdowns) is expensive, on virtual machines most
// of all. WorkerPool keeps the threads and lends them to whoever calls Run().
//
// The work passed to Run() must be a loop that pulls items from shared state (an atomic index,
// say) until none are left, so that one call or many finish the same job. That makes the pool
// safe to share: a caller never waits for a pool thread that has not started on its job yet.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vl {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Calls `work` on the calling thread and on up to `helpers` pool threads that pick the job up
  // before the caller's own call returns. Returns once every started call has returned.
  void Run(size_t helpers, const std::function<void()>& work);

  size_t size() const { return threads_.size(); }

  // One pool for the process: hardware threads - 1 (at least 1), created on first use.
  static WorkerPool& Shared();

 private:
  struct Job;
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vl
