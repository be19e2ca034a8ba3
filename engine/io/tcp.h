// engine/io/tcp.h -- a shard's TCP front end (RFC 7766) on the shard's ring.
//
// Multishot accept on each listener; per connection one recv and one send
// in flight at most. Messages are 2-byte length framed; every complete
// query in the read buffer is answered in order into the connection's write
// buffer (pipelining), partial reads wait for more bytes, partial writes
// continue from where they stopped. A length below 12 (no DNS header) or a
// message the core drops disconnects the client. Idle connections are
// closed by sweep() after tcp_idle_timeout, idle time counting from accept,
// the last complete query read or the last answer completely sent: bytes
// trickled without completing a message do not keep a connection open
// (slowloris). tcp_max_connections is one global atomic updated on accept
// and close; a connection beyond it is closed at once. Sockets are closed
// through the ring (IORING_OP_CLOSE), never by close(2) on the shard thread
// while it serves. Nothing here blocks: a slow client only holds its own
// buffers, never the ring, so UDP keeps being answered. OPT in TCP answers
// advertises server.edns_udp_size, as over UDP.
//
// Memory: each connection's buffers are one anonymous mapping (pages are
// only touched as used); closed connections are kept for reuse, so there is
// no allocation per query, only on a connection beyond the pool.
//
// Threads: owned and used by one shard thread; `open` is shared by all shards.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "engine/io/counters.h"
#include "engine/io/uring.h"

namespace hadns::zone { class snapshot; }

namespace hadns::io {

class tcp_front {
 public:
  // Takes ownership of the listeners (closed when stopped or destroyed).
  tcp_front(uring& ring, shard_counters& counters, std::vector<int> listeners,
            std::atomic<uint32_t>& open, uint32_t max_connections,
            std::chrono::milliseconds idle_timeout, uint16_t max_udp);
  ~tcp_front();
  tcp_front(const tcp_front&) = delete;
  tcp_front& operator=(const tcp_front&) = delete;

  void start();  // arms the accepts
  void set_now(int64_t now_ms) noexcept { now_ms_ = now_ms; }
  // tcp_max_connections, tcp_idle_timeout and edns_udp_size as changed
  // by a reload.
  void set_limits(uint32_t max_connections, int64_t idle_ms, uint16_t max_udp) noexcept {
    max_ = max_connections;
    idle_ms_ = idle_ms;
    max_udp_ = max_udp;
  }

  void on_accept(const io_uring_cqe& cqe) noexcept;
  void on_recv(const io_uring_cqe& cqe, const zone::snapshot* snap) noexcept;
  void on_send(const io_uring_cqe& cqe, const zone::snapshot* snap) noexcept;

  // Closes connections idle for tcp_idle_timeout.
  void sweep() noexcept;
  int64_t sweep_period_ms() const noexcept;
  bool has_connections() const noexcept { return live_ > 0; }

  // Stops accepting; answers the complete queries already read, flushes,
  // then closes every connection.
  void stop(const zone::snapshot* snap) noexcept;
  bool drained() const noexcept { return accepts_armed_ == 0 && live_ == 0; }

 private:
  struct conn;

  void arm_accept(uint32_t i) noexcept;
  conn* new_conn() noexcept;
  void process(conn& c, const zone::snapshot* snap) noexcept;
  // Stops reading; answers already queued are sent, then the connection closes.
  void close_after_flush(conn& c) noexcept;
  void kick(conn& c) noexcept;
  void abort(conn& c) noexcept;
  void maybe_release(conn& c) noexcept;

  uring& ring_;
  shard_counters& counters_;
  std::vector<int> listeners_;
  std::vector<bool> armed_;
  std::atomic<uint32_t>& open_;
  uint32_t max_;
  int64_t idle_ms_;
  uint16_t max_udp_;  // the UDP size our OPT advertises
  int64_t now_ms_ = 0;
  bool stopping_ = false;
  unsigned accepts_armed_ = 0;
  unsigned live_ = 0;
  std::vector<conn*> conns_;        // by index; nullptr = free index
  std::vector<uint32_t> free_idx_;
  std::vector<conn*> pool_;          // closed connections kept for reuse
};

}  // namespace hadns::io
