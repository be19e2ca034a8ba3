// engine/io/udp.cc -- the UDP front end (see udp.h).
#include "engine/io/udp.h"

#include <netinet/in.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>

#include <fmt/core.h>

#include "engine/core/answer.h"
#include "engine/io/sockets.h"

namespace hadns::io {

namespace {

// Room reserved in each provided buffer for the destination-address cmsg.
constexpr size_t k_control_room = CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in_pktinfo));

// Makes `pi` the only cmsg of `msg`, in `control`.
template <class Pktinfo>
void put_pktinfo(msghdr& msg, uint8_t* control, int level, int type, const Pktinfo& pi) noexcept {
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(sizeof pi);
  cmsghdr* oc = CMSG_FIRSTHDR(&msg);
  oc->cmsg_level = level;
  oc->cmsg_type = type;
  oc->cmsg_len = CMSG_LEN(sizeof pi);
  std::memcpy(CMSG_DATA(oc), &pi, sizeof pi);
}

// If `c` is the query's destination address (IP_PKTINFO or IPV6_PKTINFO),
// sets it as the reply's source in `msg`, so that a server on a wildcard
// or multi-address socket answers from the address it was asked on.
bool reply_from_destination(const cmsghdr* c, msghdr& msg, uint8_t* control) noexcept {
  if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
    in_pktinfo got;
    std::memcpy(&got, CMSG_DATA(c), sizeof got);
    in_pktinfo pi{};  // any interface, from the query's destination
    pi.ipi_spec_dst = got.ipi_addr;
    put_pktinfo(msg, control, IPPROTO_IP, IP_PKTINFO, pi);
    return true;
  }
  if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
    in6_pktinfo pi;  // the destination address and its interface, as received
    std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
    put_pktinfo(msg, control, IPPROTO_IPV6, IPV6_PKTINFO, pi);
    return true;
  }
  return false;
}

}  // namespace

struct udp_front::send_slot {
  msghdr msg;
  iovec iov;
  sockaddr_in6 peer;  // large enough for sockaddr_in too
  alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))];
  uint8_t rcode;      // counted when the send completes
  bool truncated;
  uint8_t data[k_reply_size];
};

udp_front::udp_front(uring& ring, shard_counters& counters, uint16_t max_udp, std::vector<int> fds)
    : ring_(ring), counters_(counters), max_udp_(max_udp) {
  for (int fd : fds) {
    socket_state s;
    s.fd = fd;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    s.family = ss.ss_family;
    // The name's room is a multiple of 8 so that the cmsg after it in the
    // provided buffer is aligned.
    s.msg.msg_namelen = s.family == AF_INET6 ? 32 : sizeof(sockaddr_in);
    static_assert(sizeof(sockaddr_in6) <= 32 && sizeof(sockaddr_in) % 8 == 0);
    s.msg.msg_controllen = k_control_room;
    sockets_.push_back(s);
  }
}

udp_front::~udp_front() {
  for (auto& s : sockets_)
    if (s.fd >= 0) ::close(s.fd);
  // The ring is torn down first (it unregisters the buffer ring).
  if (buf_ring_) munmap(buf_ring_, map_bytes_);
  if (slots_) munmap(slots_, slot_bytes_);
}

void udp_front::start() {
  // One mapping: the ring entries (page aligned), then the buffers.
  size_t ring_bytes = k_buffers * sizeof(io_uring_buf);
  map_bytes_ = ring_bytes + static_cast<size_t>(k_buffers) * k_buffer_size;
  void* mem = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw io_error(fmt::format("cannot map UDP buffers: {}", std::strerror(errno)));
  buf_ring_ = static_cast<io_uring_buf_ring*>(mem);
  buffers_ = static_cast<uint8_t*>(mem) + ring_bytes;

  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uint64_t>(buf_ring_);
  reg.ring_entries = k_buffers;
  reg.bgid = k_buffer_group;
  int rc = io_uring_register_buf_ring(ring_.get(), &reg, 0);
  if (rc < 0)
    throw io_error(fmt::format("cannot register the UDP buffer ring: {}", std::strerror(-rc)));
  registered_ = true;
  io_uring_buf_ring_init(buf_ring_);
  for (unsigned i = 0; i < k_buffers; ++i)
    io_uring_buf_ring_add(buf_ring_, buffers_ + static_cast<size_t>(i) * k_buffer_size,
                          k_buffer_size, static_cast<unsigned short>(i),
                          io_uring_buf_ring_mask(k_buffers), static_cast<int>(i));
  io_uring_buf_ring_advance(buf_ring_, k_buffers);

  slot_bytes_ = sizeof(send_slot) * k_send_slots;
  mem = mmap(nullptr, slot_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw io_error(fmt::format("cannot map UDP send slots: {}", std::strerror(errno)));
  slots_ = static_cast<send_slot*>(mem);
  free_slots_.reserve(k_send_slots);
  for (uint32_t i = k_send_slots; i > 0; --i) free_slots_.push_back(i - 1);

  for (uint32_t i = 0; i < sockets_.size(); ++i) arm(i);
}

void udp_front::arm(uint32_t i) noexcept {
  socket_state& s = sockets_[i];
  if (stopping_ || s.armed) return;
  io_uring_sqe* sqe = ring_.sqe();
  if (!sqe) return;
  io_uring_prep_recvmsg_multishot(sqe, s.fd, &s.msg, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = k_buffer_group;
  io_uring_sqe_set_data64(sqe, make_tag(op::udp_recv, i));
  s.armed = true;
  ++armed_;
}

void udp_front::recycle(uint16_t bid) noexcept {
  io_uring_buf_ring_add(buf_ring_, buffers_ + static_cast<size_t>(bid) * k_buffer_size,
                        k_buffer_size, bid, io_uring_buf_ring_mask(k_buffers),
                        static_cast<int>(recycled_));
  ++recycled_;
}

void udp_front::end_turn() noexcept {
  if (recycled_) {
    io_uring_buf_ring_advance(buf_ring_, static_cast<int>(recycled_));
    recycled_ = 0;
  }
  // Re-arm requests that ended this turn (their SQEs go out after the
  // buffers above are back).
  if (!stopping_)
    for (uint32_t i = 0; i < sockets_.size(); ++i)
      if (!sockets_[i].armed) arm(i);
}

void udp_front::on_recv(const io_uring_cqe& cqe, const zone::snapshot* snap) noexcept {
  uint32_t i = tag_index(cqe.user_data);
  if (i >= sockets_.size()) return;
  socket_state& s = sockets_[i];
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    s.armed = false;  // re-armed in end_turn unless stopping
    --armed_;
  }
  if (!(cqe.flags & IORING_CQE_F_BUFFER)) return;  // an error without data (ENOBUFS, cancel)
  auto bid = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
  if (cqe.res > 0)  // answered even while stopping: it is in flight
    handle(s, buffers_ + static_cast<size_t>(bid) * k_buffer_size, static_cast<unsigned>(cqe.res), snap);
  recycle(bid);
}

void udp_front::handle(socket_state& s, uint8_t* buf, unsigned len,
                       const zone::snapshot* snap) noexcept {
  counters_.query(proto::udp);
  io_uring_recvmsg_out* out = io_uring_recvmsg_validate(buf, static_cast<int>(len), &s.msg);
  if (!out || (out->flags & MSG_TRUNC) || !snap || free_slots_.empty()) {
    counters_.drop(proto::udp);
    return;
  }
  auto* payload = static_cast<const uint8_t*>(io_uring_recvmsg_payload(out, &s.msg));
  unsigned plen = io_uring_recvmsg_payload_length(out, static_cast<int>(len), &s.msg);

  core::client cl;
  cl.proto = core::transport::udp;
  cl.max_udp = max_udp_;
  const auto* name = static_cast<const sockaddr*>(io_uring_recvmsg_name(out));
  socklen_t name_len = std::min<socklen_t>(out->namelen, sizeof(sockaddr_in6));
  if (s.family == AF_INET6 && name_len >= sizeof(sockaddr_in6)) {
    cl.family = AF_INET6;
    std::memcpy(cl.addr.data(), &reinterpret_cast<const sockaddr_in6*>(name)->sin6_addr, 16);
  } else if (s.family == AF_INET && name_len >= sizeof(sockaddr_in)) {
    cl.family = AF_INET;
    std::memcpy(cl.addr.data(), &reinterpret_cast<const sockaddr_in*>(name)->sin_addr, 4);
  } else {
    counters_.drop(proto::udp);
    return;
  }

  uint32_t si = free_slots_.back();
  send_slot& slot = slots_[si];
  core::result r = core::answer(*snap, cl, std::span<const uint8_t>(payload, plen),
                                std::span<uint8_t>(slot.data, k_reply_size));
  if (r.act != core::action::reply || r.size == 0 || r.size > k_reply_size) {
    counters_.drop(proto::udp);
    return;
  }

  // Address the reply: back to the source, from the query's destination.
  std::memcpy(&slot.peer, name, name_len);
  slot.msg = msghdr{};
  slot.msg.msg_name = &slot.peer;
  slot.msg.msg_namelen = name_len;
  slot.iov.iov_base = slot.data;
  slot.iov.iov_len = r.size;
  slot.msg.msg_iov = &slot.iov;
  slot.msg.msg_iovlen = 1;
  for (cmsghdr* c = io_uring_recvmsg_cmsg_firsthdr(out, &s.msg); c;
       c = io_uring_recvmsg_cmsg_nexthdr(out, &s.msg, c))
    if (reply_from_destination(c, slot.msg, slot.control)) break;
  slot.rcode = r.rcode;
  slot.truncated = r.truncated;

  io_uring_sqe* sqe = ring_.sqe();
  if (!sqe) {
    counters_.drop(proto::udp);
    return;
  }
  io_uring_prep_sendmsg(sqe, s.fd, &slot.msg, 0);
  io_uring_sqe_set_data64(sqe, make_tag(op::udp_send, si));
  free_slots_.pop_back();
  ++sends_in_flight_;
}

// A reply counts once: as a response when the kernel took it, else as a drop.
void udp_front::on_send(const io_uring_cqe& cqe) noexcept {
  uint32_t si = tag_index(cqe.user_data);
  if (si >= k_send_slots) return;
  free_slots_.push_back(si);
  --sends_in_flight_;
  const send_slot& slot = slots_[si];
  if (cqe.res < 0)
    counters_.drop(proto::udp);
  else
    counters_.response(proto::udp, slot.rcode, slot.truncated);
}

void udp_front::stop() noexcept {
  if (stopping_) return;
  stopping_ = true;
  for (uint32_t i = 0; i < sockets_.size(); ++i)
    if (sockets_[i].armed) ring_.cancel(make_tag(op::udp_recv, i));
}

}  // namespace hadns::io
