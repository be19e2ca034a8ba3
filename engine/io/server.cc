// engine/io/server.cc -- binding, starting and stopping the shards (see server.h).
#include "engine/io/server.h"

#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

#include <fmt/core.h>

#include "engine/io/features.h"
#include "engine/io/sockets.h"

namespace hadns::io {

std::vector<int> affinity_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
  }
  if (cpus.empty()) cpus.push_back(-1);
  return cpus;
}

namespace {

std::vector<int> shard_cpus(int requested) {
  std::vector<int> mask = affinity_cpus();
  if (requested <= 0) return mask;
  if (static_cast<size_t>(requested) > mask.size())
    throw io_error(fmt::format("server.shards is {} but this process may run on {} CPU(s)",
                               requested, mask.size()));
  return std::vector<int>(mask.begin(), mask.begin() + requested);
}

}  // namespace

server::server(const config::server_config& cfg)
    : cfg_(cfg), cpus_(shard_cpus(cfg.shards)), pub_(static_cast<int>(cpus_.size())),
      counters_(std::make_unique<shard_counters[]>(cpus_.size())) {
  apply(cfg);
  stop_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw io_error(fmt::format("cannot create eventfd: {}", std::strerror(errno)));
}

server::~server() {
  stop();
  close_sockets();
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

void server::close_sockets() {
  for (auto* set : {&udp_fds_, &tcp_fds_})
    for (auto& fds : *set)
      for (int fd : fds)
        if (fd >= 0) ::close(fd);
  udp_fds_.clear();
  tcp_fds_.clear();
}

std::vector<std::string> server::bind() {
  if (cfg_.listen.empty()) throw io_error("server.listen is empty: nothing to serve on");
  udp_fds_.assign(cpus_.size(), {});
  tcp_fds_.assign(cpus_.size(), {});
  std::vector<std::string> lines;
  try {
    for (auto& ep : cfg_.listen) {
      if (ep.port == 0)
        ep.port = pick_free_port(ep);  // every shard, UDP and TCP, on one port
      else
        claim_port(ep);
      for (size_t s = 0; s < cpus_.size(); ++s) {
        int u = open_udp(ep);
        udp_fds_[s].push_back(u);
        tcp_fds_[s].push_back(open_tcp(ep));
      }
      lines.push_back(fmt::format("{} udp+tcp ({} shard socket(s) each, SO_RCVBUF {} bytes)",
                                  endpoint_text(ep), cpus_.size(),
                                  receive_buffer(udp_fds_[0].back())));
    }
  } catch (...) {
    close_sockets();
    throw;
  }
  return lines;
}

void server::add_frames(const std::vector<frame_front*>& queues) {
  frames_.resize(cpus_.size());
  for (size_t q = 0; q < queues.size(); ++q) frames_[q % cpus_.size()].push_back(queues[q]);
  xdp_queues_ += static_cast<int>(queues.size());
}

void server::start() {
  if (std::string missing = missing_kernel_features(); !missing.empty()) throw io_error(missing);
  if (udp_fds_.empty()) throw io_error("server::start() before bind()");
  if (!pub_.current()) throw io_error("server::start() before a Snapshot was published");
  std::vector<std::future<std::string>> ready;
  for (size_t s = 0; s < cpus_.size(); ++s) {
    shard_setup setup;
    setup.index = static_cast<int>(s);
    setup.cpu = cpus_[s];
    setup.limits = &limits_;
    setup.udp_fds = std::move(udp_fds_[s]);
    setup.tcp_fds = std::move(tcp_fds_[s]);
    if (s < frames_.size()) setup.frames = frames_[s];
    udp_fds_[s].clear();
    tcp_fds_[s].clear();
    setup.stop_fd = stop_fd_;
    setup.snapshots = &pub_;
    setup.counters = &counters_[s];
    setup.tcp_open = &tcp_open_;
    std::promise<std::string> p;
    ready.push_back(p.get_future());
    threads_.emplace_back(run_shard, std::move(setup), std::move(p));
  }
  std::string error;
  for (auto& f : ready)
    if (std::string e = f.get(); !e.empty() && error.empty()) error = e;
  if (!error.empty()) {
    stop();
    throw io_error(error);
  }
}

void server::stop() {
  if (threads_.empty()) return;
  uint64_t one = 1;
  if (::write(stop_fd_, &one, sizeof one) < 0) {
    // An eventfd write only fails on counter overflow: it is readable anyway.
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void server::apply(const config::server_config& cfg) noexcept {
  limits_.max_udp.store(cfg.edns_udp_size, std::memory_order_relaxed);
  limits_.tcp_idle_ms.store(cfg.tcp_idle_timeout.count(), std::memory_order_relaxed);
  limits_.tcp_max_connections.store(cfg.tcp_max_connections, std::memory_order_relaxed);
}

shard_stats server::total() const noexcept {
  shard_stats sum;
  for (int i = 0; i < shard_count(); ++i) sum += counters_[i].read();
  return sum;
}

}  // namespace hadns::io
