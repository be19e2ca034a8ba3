// engine/io/uring.h -- a shard's io_uring ring and the tags on its requests.
//
// Every SQE carries a tagged user_data: the operation in the low byte and an
// index (socket, send slot, connection) above it, so a completion is routed
// without any lookup structure. sqe() never fails while the kernel accepts
// submissions: when the SQ is full it submits what is queued and retries.
//
// Threads: a ring belongs to one shard thread (created and used there).
#pragma once

#include <liburing.h>

#include <cstdint>

namespace hadns::io {

enum class op : uint8_t {
  none = 0,
  stop_poll,   // the server's stop eventfd became readable
  udp_recv,    // index: UDP socket
  udp_send,    // index: send slot
  tcp_accept,  // index: TCP listener
  tcp_recv,    // index: connection
  tcp_send,    // index: connection
  cancel,      // completion of a cancel request (ignored)
  close,       // completion of a close request (ignored)
  frame_poll,  // index: frame front end (AF_XDP socket) readable
};

constexpr uint64_t make_tag(op o, uint32_t index) noexcept {
  return (static_cast<uint64_t>(index) << 8) | static_cast<uint64_t>(o);
}
constexpr op tag_op(uint64_t tag) noexcept { return static_cast<op>(tag & 0xff); }
constexpr uint32_t tag_index(uint64_t tag) noexcept { return static_cast<uint32_t>(tag >> 8); }

class uring {
 public:
  // Throws io_error naming the kernel's error.
  explicit uring(unsigned entries);
  ~uring();
  uring(const uring&) = delete;
  uring& operator=(const uring&) = delete;

  io_uring* get() noexcept { return &ring_; }

  // A free SQE; submits queued ones when the SQ is full. nullptr only if
  // the kernel refuses submissions.
  io_uring_sqe* sqe() noexcept {
    io_uring_sqe* s = io_uring_get_sqe(&ring_);
    if (s) return s;
    io_uring_submit(&ring_);
    return io_uring_get_sqe(&ring_);
  }

  // Queues a close of `fd` (closed at once if the SQ refuses it). Closing
  // through the ring keeps the shard thread out of close(2), which can
  // block in the kernel (a socket's lingering, a last reference).
  void close(int fd) noexcept;

  // Queues a cancel of the request tagged `tag`.
  void cancel(uint64_t tag) noexcept {
    if (io_uring_sqe* s = sqe()) {
      io_uring_prep_cancel64(s, tag, 0);
      io_uring_sqe_set_data64(s, make_tag(op::cancel, 0));
    }
  }

 private:
  io_uring ring_;
};

}  // namespace hadns::io
