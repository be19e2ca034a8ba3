// engine/io/server.h -- the DNS server: shards, their sockets, the live
// Snapshot and the counters.
//
// Start-up is two steps so that nothing is served before everything is
// bound: bind() opens every socket of every shard (a taken port is an
// io_error naming protocol and address), then start() spawns one pinned
// thread per shard and returns once every ring is set up (or throws).
// A Snapshot must be published before start(). stop() asks every shard to
// stop accepting, answer what is in flight and exit; it returns within
// about a second.
//
// Threads: construct, bind, start and stop from one thread (the daemon's
// main thread). snapshots() and stats() may be used from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/config/config.h"
#include "engine/io/counters.h"
#include "engine/io/shard.h"
#include "engine/io/sockets.h"

namespace hadns::io {

// The CPUs of this process's affinity mask, in order.
std::vector<int> affinity_cpus();

class server {
 public:
  // Throws io_error if server.shards asks for more shards than CPUs exist.
  explicit server(const config::server_config& cfg);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // The listen addresses, with real ports after bind() (config port 0).
  const std::vector<config::endpoint>& listen() const noexcept { return cfg_.listen; }
  int shard_count() const noexcept { return static_cast<int>(cpus_.size()); }
  int shard_cpu(int i) const noexcept { return cpus_[static_cast<size_t>(i)]; }
  snapshot_publisher& snapshots() noexcept { return pub_; }

  // Opens every socket; returns one description per listen address (with
  // the real port when the config said 0). Throws io_error.
  std::vector<std::string> bind();
  // Hands AF_XDP queues (owned by the caller, alive until stop()) to the
  // shards before start(): queue i goes to shard i modulo the shard count.
  void add_frames(const std::vector<frame_front*>& queues);
  int xdp_queues() const noexcept { return xdp_queues_; }
  // Starts the shards. Throws io_error (missing kernel feature, ring set-up).
  void start();
  // Applies what a reload may change while serving: edns_udp_size,
  // tcp_idle_timeout, tcp_max_connections (shards see it next turn).
  void apply(const config::server_config& cfg) noexcept;
  // Idempotent; returns when every shard thread has ended.
  void stop();

  shard_stats stats(int shard) const noexcept { return counters_[shard].read(); }
  shard_stats total() const noexcept;
  uint32_t tcp_open() const noexcept { return tcp_open_.load(std::memory_order_relaxed); }

 private:
  void close_sockets();

  config::server_config cfg_;
  std::vector<int> cpus_;  // one entry per shard
  snapshot_publisher pub_;
  std::unique_ptr<shard_counters[]> counters_;
  alignas(64) std::atomic<uint32_t> tcp_open_{0};
  shard_limits limits_;
  int stop_fd_ = -1;
  std::vector<std::vector<int>> udp_fds_;  // per shard, handed over by start()
  std::vector<std::vector<int>> tcp_fds_;
  std::vector<std::vector<frame_front*>> frames_;  // per shard
  int xdp_queues_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace hadns::io
