// engine/io/shard.cc -- the shard loop (see shard.h).
#include "engine/io/shard.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>

#include <fmt/core.h>

#include "engine/io/sockets.h"
#include "engine/io/tcp.h"
#include "engine/io/udp.h"
#include "engine/io/uring.h"

namespace hadns::io {

namespace {

constexpr unsigned k_ring_entries = 4096;
constexpr unsigned k_batch = 256;

int64_t now_ms() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void pin(int cpu) noexcept {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// Multishot: one completion per wake-up of the socket, until cancelled.
void poll_frame(uring& ring, int fd, uint32_t i) {
  io_uring_sqe* sqe = ring.sqe();
  if (!sqe) throw io_error("no SQE for the AF_XDP socket's poll");
  io_uring_prep_poll_multishot(sqe, fd, POLLIN);
  io_uring_sqe_set_data64(sqe, make_tag(op::frame_poll, i));
}

void poll_frame_again(uring& ring, const std::vector<frame_front*>& frames, uint32_t i) noexcept {
  try {
    poll_frame(ring, frames[i]->fd(), i);
  } catch (const io_error&) {
    // Only when the kernel refuses submissions, when nothing else works either.
  }
}

void close_all(const std::vector<int>& fds) {
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
}

}  // namespace

void run_shard(shard_setup setup, std::promise<std::string> ready) noexcept {
  pin(setup.cpu);
  {
    std::string name = fmt::format("hadns-shard-{}", setup.index);
    pthread_setname_np(pthread_self(), name.c_str());
  }
  // Destroyed in reverse order: the ring goes first, so no request in
  // flight outlives the buffers it points into.
  std::optional<udp_front> udp;
  std::optional<tcp_front> tcp;
  std::optional<uring> ring;
  try {
    ring.emplace(k_ring_entries);
    const shard_limits& lim = *setup.limits;
    udp.emplace(*ring, *setup.counters, lim.max_udp.load(std::memory_order_relaxed),
                std::move(setup.udp_fds));
    tcp.emplace(*ring, *setup.counters, std::move(setup.tcp_fds), *setup.tcp_open,
                lim.tcp_max_connections.load(std::memory_order_relaxed),
                std::chrono::milliseconds(lim.tcp_idle_ms.load(std::memory_order_relaxed)),
                lim.max_udp.load(std::memory_order_relaxed));
    udp->start();
    tcp->set_now(now_ms());
    tcp->start();
    for (uint32_t i = 0; i < setup.frames.size(); ++i) poll_frame(*ring, setup.frames[i]->fd(), i);
    io_uring_sqe* sqe = ring->sqe();
    io_uring_prep_poll_add(sqe, setup.stop_fd, POLLIN);
    io_uring_sqe_set_data64(sqe, make_tag(op::stop_poll, 0));
    int rc = io_uring_submit(ring->get());
    if (rc < 0) throw io_error(fmt::format("io_uring_submit: {}", std::strerror(-rc)));
  } catch (const std::exception& e) {
    close_all(setup.udp_fds);
    close_all(setup.tcp_fds);
    ready.set_value(fmt::format("shard {}: {}", setup.index, e.what()));
    return;
  }
  ready.set_value({});

  qsbr_reader& reader = setup.snapshots->reader_at(setup.index);
  io_uring* r = ring->get();
  io_uring_cqe* cqes[k_batch];
  bool stopping = false;
  int64_t deadline = 0;
  std::vector<uint8_t> frame_busy(setup.frames.size(), 0);  // sized here, never on the hot path
  int64_t next_sweep = now_ms() + tcp->sweep_period_ms();

  reader.online();
  for (;;) {
    int64_t now = now_ms();
    tcp->set_now(now);
    const uint16_t max_udp = setup.limits->max_udp.load(std::memory_order_relaxed);
    udp->set_max_udp(max_udp);
    tcp->set_limits(setup.limits->tcp_max_connections.load(std::memory_order_relaxed),
                    setup.limits->tcp_idle_ms.load(std::memory_order_relaxed), max_udp);
    unsigned n = io_uring_peek_batch_cqe(r, cqes, k_batch);
    const zone::snapshot* snap = setup.snapshots->current();
    bool stop_now = false;
    for (unsigned i = 0; i < n; ++i) {
      const io_uring_cqe& c = *cqes[i];
      switch (tag_op(c.user_data)) {
        case op::udp_recv: udp->on_recv(c, snap); break;
        case op::udp_send: udp->on_send(c); break;
        case op::tcp_accept: tcp->on_accept(c); break;
        case op::tcp_recv: tcp->on_recv(c, snap); break;
        case op::tcp_send: tcp->on_send(c, snap); break;
        case op::frame_poll: {
          const uint32_t f = tag_index(c.user_data);
          if (f >= frame_busy.size()) break;
          frame_busy[f] = 1;
          // A multishot poll that ended (CQ overflow) is armed again; one
          // that failed is not, so an error cannot turn into a spin.
          if (!(c.flags & IORING_CQE_F_MORE) && c.res >= 0 && !stopping) poll_frame_again(*ring, setup.frames, f);
          break;
        }
        case op::stop_poll: stop_now = true; break;
        default: break;
      }
    }
    if (n) io_uring_cq_advance(r, n);
    bool frames_more = false;
    for (size_t i = 0; i < frame_busy.size(); ++i) {
      if (!frame_busy[i]) continue;
      frame_busy[i] = setup.frames[i]->on_ready(snap, max_udp, *setup.counters) ? 1 : 0;
      frames_more |= frame_busy[i] != 0;
    }
    udp->end_turn();
    if (stop_now && !stopping) {
      stopping = true;
      deadline = now + setup.drain.count();
      udp->stop();
      tcp->stop(snap);
    }
    if (now >= next_sweep) {
      tcp->sweep();
      next_sweep = now + tcp->sweep_period_ms();
    }
    reader.quiescent();  // `snap` is not used past this point
    if (stopping && ((udp->drained() && tcp->drained()) || now >= deadline)) {
      io_uring_submit(r);  // the closes queued this turn
      break;
    }

    if (n == k_batch || frames_more || io_uring_cq_ready(r)) {  // more is waiting: no sleep
      io_uring_submit(r);
      continue;
    }
    reader.offline();
    if (stopping || tcp->has_connections()) {
      int64_t wait = std::max<int64_t>(1, next_sweep - now);
      if (stopping) wait = std::clamp<int64_t>(deadline - now, 1, wait);
      __kernel_timespec ts{wait / 1000, (wait % 1000) * 1000000};
      io_uring_cqe* cqe = nullptr;
      io_uring_submit_and_wait_timeout(r, &cqe, 1, &ts, nullptr);
    } else {
      io_uring_submit_and_wait(r, 1);
    }
    reader.online();
  }
  reader.offline();
  ring.reset();  // cancels whatever is left before the fronts free their buffers
}

}  // namespace hadns::io
