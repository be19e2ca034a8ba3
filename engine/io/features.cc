// engine/io/features.cc -- a functional probe of the io_uring features the
// shards need (see features.h): each one is tried once on loopback.
#include "engine/io/features.h"

#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

namespace hadns::io {

std::string kernel_release() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return u.release;
}

namespace {

struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string missing(const char* what) {
  return fmt::format("kernel {} lacks {}; hadnsd needs Linux 6.0 or later with io_uring enabled",
                     kernel_release(), what);
}

}  // namespace

std::string missing_kernel_features() {
  io_uring ring;
  io_uring_params p{};
  int rc = io_uring_queue_init_params(8, &ring, &p);
  if (rc < 0) return missing(fmt::format("io_uring ({})", std::strerror(-rc)).c_str());
  struct ring_guard {
    io_uring* r;
    ~ring_guard() { io_uring_queue_exit(r); }
  } rg{&ring};

  if (!(p.features & IORING_FEAT_EXT_ARG)) return missing("IORING_FEAT_EXT_ARG (Linux 5.11)");

  // Provided buffer ring with 2 buffers.
  constexpr unsigned k_entries = 2;
  constexpr unsigned k_size = 512;
  size_t ring_bytes = k_entries * sizeof(io_uring_buf);
  void* mem = mmap(nullptr, ring_bytes + k_entries * k_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return missing("memory for a buffer ring");
  struct map_guard {
    void* m;
    size_t n;
    ~map_guard() { munmap(m, n); }
  } mg{mem, ring_bytes + k_entries * k_size};
  auto* br = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(br);
  reg.ring_entries = k_entries;
  reg.bgid = 7;
  rc = io_uring_register_buf_ring(&ring, &reg, 0);
  if (rc < 0) return missing("provided buffer rings (io_uring_register_buf_ring, Linux 5.19)");
  io_uring_buf_ring_init(br);
  auto* bufs = static_cast<uint8_t*>(mem) + ring_bytes;
  for (unsigned i = 0; i < k_entries; ++i)
    io_uring_buf_ring_add(br, bufs + i * k_size, k_size, static_cast<unsigned short>(i),
                          io_uring_buf_ring_mask(k_entries), static_cast<int>(i));
  io_uring_buf_ring_advance(br, k_entries);

  // Multishot recvmsg on a loopback UDP socket, fed one datagram.
  fd_guard s{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return missing("UDP sockets");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof a;
  if (::bind(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s.fd, reinterpret_cast<sockaddr*>(&a), &alen) != 0)
    return fmt::format("cannot bind a loopback UDP socket to probe io_uring: {}",
                       std::strerror(errno));
  msghdr msg{};
  msg.msg_namelen = sizeof(sockaddr_in);
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  io_uring_prep_recvmsg_multishot(sqe, s.fd, &msg, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = 7;
  io_uring_submit(&ring);
  const char ping[] = "probe";
  ::sendto(s.fd, ping, sizeof ping, 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  io_uring_cqe* cqe = nullptr;
  __kernel_timespec ts{1, 0};
  rc = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
  if (rc < 0 || !cqe) return missing("multishot recvmsg (no completion)");
  int res = cqe->res;
  unsigned flags = cqe->flags;
  io_uring_cqe_seen(&ring, cqe);
  if (res < 0) return missing("multishot recvmsg (IORING_RECV_MULTISHOT, Linux 6.0)");
  if (!(flags & IORING_CQE_F_BUFFER)) return missing("buffer selection for recvmsg");
  if (!(flags & IORING_CQE_F_MORE)) return missing("multishot recvmsg (IORING_RECV_MULTISHOT, Linux 6.0)");

  // Multishot accept exists since 5.19, like buffer rings; check the opcode.
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (!probe) return missing("io_uring opcode probing");
  bool ok = io_uring_opcode_supported(probe, IORING_OP_ACCEPT) &&
            io_uring_opcode_supported(probe, IORING_OP_SENDMSG) &&
            io_uring_opcode_supported(probe, IORING_OP_SEND) &&
            io_uring_opcode_supported(probe, IORING_OP_RECV) &&
            io_uring_opcode_supported(probe, IORING_OP_ASYNC_CANCEL) &&
            io_uring_opcode_supported(probe, IORING_OP_CLOSE) &&
            io_uring_opcode_supported(probe, IORING_OP_POLL_ADD);
  io_uring_free_probe(probe);
  if (!ok) return missing("accept/send/recv/cancel/poll/close io_uring opcodes");
  return {};
}

}  // namespace hadns::io
