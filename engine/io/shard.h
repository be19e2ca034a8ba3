// engine/io/shard.h -- one shard: a thread pinned to one CPU, with its own
// io_uring ring, its UDP and TCP front ends, and its counters.
//
// The loop, per turn: reap a batch of completions, answer them against the
// Snapshot loaded at the start of the turn, hand buffers back, sweep idle
// TCP connections when due, submit once, pass a QSBR quiescent point. When
// nothing is ready it marks itself offline (so it never holds a reload up)
// and blocks in io_uring_enter until a completion, the stop eventfd, or the
// TCP sweep timer wakes it.
//
// Stop: the server's eventfd (polled by every ring) ends the turn loop:
// listeners are cancelled, what was already read is answered and flushed,
// and the thread returns after at most `drain`.
//
// Threads: run() is the thread body; everything it creates stays on it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "engine/io/counters.h"
#include "engine/io/frame_front.h"
#include "engine/io/publisher.h"

namespace hadns::zone { class snapshot; }

namespace hadns::io {

using snapshot_publisher = publisher<zone::snapshot>;

// Settings a reload may change while shards run. Written by the thread
// that reloads, read (relaxed) by every shard once per loop turn.
struct alignas(64) shard_limits {
  std::atomic<uint16_t> max_udp{1232};
  std::atomic<int64_t> tcp_idle_ms{10000};
  std::atomic<uint32_t> tcp_max_connections{10000};
};

struct shard_setup {
  int index = 0;
  int cpu = -1;                      // -1: not pinned
  std::chrono::milliseconds drain{700};
  std::vector<int> udp_fds;          // owned by the shard from run() on
  std::vector<int> tcp_fds;
  std::vector<frame_front*> frames;  // AF_XDP queues this shard serves (not owned)
  int stop_fd = -1;                  // eventfd, readable once stop is asked
  snapshot_publisher* snapshots = nullptr;
  shard_counters* counters = nullptr;
  std::atomic<uint32_t>* tcp_open = nullptr;
  const shard_limits* limits = nullptr;
};

// The thread body. Sets `ready` to "" once serving, or to an error message
// (and returns) if the ring or buffers cannot be set up.
void run_shard(shard_setup setup, std::promise<std::string> ready) noexcept;

}  // namespace hadns::io
