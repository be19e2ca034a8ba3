// engine/control/worker_pool.cc -- see worker_pool.h.
#include "engine/control/worker_pool.h"

namespace hadns::control {

void worker_pool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(fn));
    // A woken worker leaves `idle_` only once it holds the lock, so jobs
    // beyond the idle workers are exactly those nobody will pick up soon.
    if (!stopping_ && jobs_.size() > idle_ && threads_.size() < max_) threads_.emplace_back([this] { work(); });
  }
  ready_.notify_one();
}

void worker_pool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    threads.swap(threads_);
  }
  ready_.notify_all();
  for (auto& t : threads) t.join();
}

size_t worker_pool::workers() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

void worker_pool::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) return;  // stopping, nothing left to serve
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace hadns::control
