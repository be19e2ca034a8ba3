// engine/io/uring.cc -- ring set-up (see uring.h).
#include "engine/io/uring.h"

#include <unistd.h>

#include <cstring>

#include <fmt/core.h>

#include "engine/io/sockets.h"

namespace hadns::io {

uring::uring(unsigned entries) {
  io_uring_params p{};
  // Completions are reaped by the submitting thread itself: let the kernel
  // run task work only when we enter it (fewer interrupts under load).
  p.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
            IORING_SETUP_SINGLE_ISSUER;
  int rc = io_uring_queue_init_params(entries, &ring_, &p);
  if (rc == -EINVAL) {
    p = io_uring_params{};
    rc = io_uring_queue_init_params(entries, &ring_, &p);
  }
  if (rc < 0) throw io_error(fmt::format("cannot create io_uring: {}", std::strerror(-rc)));
}

uring::~uring() { io_uring_queue_exit(&ring_); }

void uring::close(int fd) noexcept {
  if (fd < 0) return;
  if (io_uring_sqe* s = sqe()) {
    io_uring_prep_close(s, fd);
    io_uring_sqe_set_data64(s, make_tag(op::close, 0));
  } else {
    ::close(fd);
  }
}

}  // namespace hadns::io
