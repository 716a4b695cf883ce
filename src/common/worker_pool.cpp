#include "vl/common/worker_pool.h"
#include "vl/common/thread_name.h"

#include <algorithm>

namespace vl {

struct WorkerPool::Job {
  const std::function<void()>* work;
  std::mutex mu;
  std::condition_variable cv;
  size_t running = 0;
  bool closed = false;  // the caller is done: pool threads that arrive now skip the job
};

WorkerPool::WorkerPool(size_t threads) {
  for (size_t i = 0; i < threads; i++) {
    threads_.emplace_back([this] {
      SetThreadName("vl-worker");
      Loop();
    });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::Run(size_t helpers, const std::function<void()>& work) {
  helpers = std::min(helpers, threads_.size());
  if (helpers == 0) {
    work();
    return;
  }
  auto job = std::make_shared<Job>();
  job->work = &work;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (size_t i = 0; i < helpers; i++) queue_.push_back(job);
  }
  if (helpers == 1) cv_.notify_one();
  else cv_.notify_all();
  work();
  std::unique_lock<std::mutex> lk(job->mu);
  job->closed = true;
  job->cv.wait(lk, [&] { return job->running == 0; });
}

void WorkerPool::Loop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    {
      std::lock_guard<std::mutex> lk(job->mu);
      if (job->closed) continue;
      job->running++;
    }
    (*job->work)();
    std::lock_guard<std::mutex> lk(job->mu);
    if (--job->running == 0) job->cv.notify_all();
  }
}

WorkerPool& WorkerPool::Shared() {
  // Leaked on purpose: searches may still run while static destructors do at exit.
  static WorkerPool* pool = [] {
    const unsigned hw = std::thread::hardware_concurrency();
    return new WorkerPool(hw > 1 ? hw - 1 : 1);
  }();
  return *pool;
}

}  // namespace vl
