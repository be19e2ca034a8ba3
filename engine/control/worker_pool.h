// engine/control/worker_pool.h -- the control listener's connection workers:
// cpp-httplib hands each accepted connection to this task queue.
//
// A connection holds its worker for as long as it lives (keep-alive idling,
// a client that sends half a request), so a fixed pool of N workers is
// blocked by N idle clients. This pool starts a new worker whenever every
// worker is busy, up to `max_workers`; only past that do connections wait
// for a worker, and the listener's keep-alive and read timeouts bound that
// wait. Workers stay until shutdown().
//
// Threads: enqueue() from the listener's accept thread; shutdown() once,
// from the thread that stops the listener.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <httplib.h>

namespace hadns::control {

class worker_pool : public httplib::TaskQueue {
 public:
  explicit worker_pool(size_t max_workers) : max_(max_workers) {}
  ~worker_pool() override { shutdown(); }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Runs every queued connection to its end, then joins the workers.
  void shutdown() override;

  size_t workers() const;

 private:
  void work();

  const size_t max_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t idle_ = 0;  // workers waiting for a job
  bool stopping_ = false;
};

}  // namespace hadns::control
