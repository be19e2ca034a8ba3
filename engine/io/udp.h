// engine/io/udp.h -- a shard's UDP front end: multishot recvmsg into a
// provided buffer ring, the packet core on each datagram, batched sendmsg
// replies from the shard's own send slots.
//
// Per datagram: the source address and the destination address (PKTINFO
// cmsg) come out of the provided buffer, core::answer() writes the reply
// straight into a free send slot, and a sendmsg SQE is queued with the same
// source address as the query's destination. The shard submits once per
// loop turn. Received buffers go back to the ring in one advance per turn
// (end_turn). A multishot request that ends (e.g. ENOBUFS when buffers ran
// out) is re-armed at once; its datagrams wait in the socket buffer.
// No allocation, lock or log per packet: slots and buffers are allocated at
// start-up; with no free slot the reply is dropped and counted. Each
// datagram counts as a query and then once more: as a response when its
// sendmsg completes (so the count trails the reply by a loop turn), or as
// a drop (not answered, or the send failed).
//
// Threads: owned and used by one shard thread.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/io/counters.h"
#include "engine/io/uring.h"

namespace hadns::zone { class snapshot; }

namespace hadns::io {

class udp_front {
 public:
  static constexpr unsigned k_buffers = 1024;      // provided buffers (power of 2)
  static constexpr unsigned k_buffer_size = 4096;  // header + name + cmsg + query
  static constexpr unsigned k_send_slots = 1024;
  static constexpr unsigned k_reply_size = 4096;   // >= edns_udp_size's maximum
  static constexpr uint16_t k_buffer_group = 1;

  // Takes ownership of the sockets (closed by the destructor). Destroy the
  // ring before this object: in-flight requests point into its buffers.
  udp_front(uring& ring, shard_counters& counters, uint16_t max_udp, std::vector<int> fds);
  ~udp_front();
  udp_front(const udp_front&) = delete;
  udp_front& operator=(const udp_front&) = delete;

  // Registers the buffer ring and arms one multishot recvmsg per socket.
  // Throws io_error.
  void start();

  void on_recv(const io_uring_cqe& cqe, const zone::snapshot* snap) noexcept;
  void on_send(const io_uring_cqe& cqe) noexcept;
  // Hands this turn's consumed buffers back to the kernel.
  void end_turn() noexcept;
  // server.edns_udp_size, applied from the next datagram on (reload).
  void set_max_udp(uint16_t v) noexcept { max_udp_ = v; }

  // Stops receiving (cancels the multishot requests); replies in flight finish.
  void stop() noexcept;
  // After stop(): nothing left in flight.
  bool drained() const noexcept { return armed_ == 0 && sends_in_flight_ == 0; }

 private:
  struct socket_state {
    int fd = -1;
    int family = 0;
    bool armed = false;
    msghdr msg{};  // the multishot template: name and control lengths only
  };
  struct send_slot;

  void arm(uint32_t i) noexcept;
  void recycle(uint16_t bid) noexcept;
  void handle(socket_state& s, uint8_t* buf, unsigned len, const zone::snapshot* snap) noexcept;

  uring& ring_;
  shard_counters& counters_;
  uint16_t max_udp_;
  bool stopping_ = false;
  bool registered_ = false;
  unsigned armed_ = 0;
  unsigned sends_in_flight_ = 0;
  unsigned recycled_ = 0;  // buffers added since the last advance
  std::vector<socket_state> sockets_;
  io_uring_buf_ring* buf_ring_ = nullptr;
  uint8_t* buffers_ = nullptr;
  size_t map_bytes_ = 0;
  send_slot* slots_ = nullptr;
  size_t slot_bytes_ = 0;
  std::vector<uint32_t> free_slots_;  // capacity reserved up front
};

}  // namespace hadns::io
