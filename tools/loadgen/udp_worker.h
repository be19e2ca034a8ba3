// tools/loadgen/udp_worker.h -- one sender thread: its sockets, its window of
// outstanding queries per socket, its counters and its latency histogram.
//
// Each socket is bound to its own ephemeral port and connected to the target
// (so the kernel drops anything not from the target, and a server using
// SO_REUSEPORT spreads the sockets over its shards). Queries go out with
// sendmmsg, replies come back with recvmmsg, and a reply is matched to its
// query by (socket, ID): IDs count up per socket, and a per-socket table
// holds the send time of each outstanding ID. A query not answered within
// the timeout is counted lost and its window slot is freed.
//
// Concurrency: a worker is used by one thread only; its stats are read after
// that thread has been joined.
#pragma once

#include <cstdint>
#include <vector>

#include "tools/loadgen/latency_histogram.h"
#include "tools/loadgen/query_set.h"
#include "tools/loadgen/target.h"

namespace hadns::loadgen {

struct worker_config {
  int sockets = 8;                 // sockets of this worker
  int window = 16;                 // outstanding queries per socket
  int batch = 32;                  // messages per sendmmsg / recvmmsg, 1..256
  double qps = 0;                  // this worker's rate; 0 = as fast as the window allows
  uint64_t timeout_ns = 1'000'000'000;
  int socket_buffer = 4 << 20;     // SO_RCVBUF / SO_SNDBUF request
  size_t first_query = 0;          // where in the query list this worker starts
};

struct worker_stats {
  uint64_t sent = 0;
  uint64_t received = 0;       // replies matched to an outstanding query
  uint64_t timed_out = 0;      // no reply within the timeout (during the run)
  uint64_t unanswered = 0;     // still outstanding when the drain ended
  uint64_t late = 0;           // replies to a query already counted lost, or unknown IDs
  uint64_t malformed = 0;      // replies shorter than a header or without QR
  uint64_t truncated = 0;      // replies with TC set
  uint64_t send_errors = 0;    // sendmmsg failures other than EAGAIN
  uint64_t rcodes[16] = {};
  latency_histogram latency;

  uint64_t lost() const noexcept { return timed_out + unanswered; }
  void merge(const worker_stats& other) noexcept;
};

class udp_worker {
 public:
  // Opens the sockets; throws std::system_error when one cannot be opened.
  udp_worker(const target& tgt, const std::vector<wire_query>& queries, const worker_config& cfg);
  ~udp_worker();
  udp_worker(const udp_worker&) = delete;
  udp_worker& operator=(const udp_worker&) = delete;

  // Sends from `start_ns` until `stop_ns` (CLOCK_MONOTONIC), then waits for
  // the outstanding replies until `drain_ns` at the latest.
  void run(uint64_t start_ns, uint64_t stop_ns, uint64_t drain_ns);

  const worker_stats& stats() const noexcept { return stats_; }

 private:
  struct flow;
  int send_batch(flow& f, int budget, uint64_t now);
  int receive_batch(flow& f);
  void expire(flow& f, uint64_t now);

  const std::vector<wire_query>& queries_;
  worker_config cfg_;
  std::vector<flow> flows_;
  size_t next_query_ = 0;
  worker_stats stats_;
};

// CLOCK_MONOTONIC in nanoseconds.
uint64_t monotonic_ns() noexcept;

}  // namespace hadns::loadgen
