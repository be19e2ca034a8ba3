// engine/xdp/xsk_queue.cc -- the AF_XDP socket of one RX queue (see xsk_queue.h).
#include "engine/xdp/xsk_queue.h"

#include <linux/if_xdp.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/core.h>

#include "engine/core/answer.h"
#include "engine/xdp/frame.h"

namespace hadns::xdp {

namespace {

// What a reply may hold: the client's limit, what fits the interface's MTU
// without IP fragmentation (a raw frame is never fragmented for us), and
// what fits a frame. answer() wants at least 512 bytes.
uint16_t reply_room(uint16_t max_udp, unsigned mtu, int family) noexcept {
  const size_t ip_udp = header_len(family) - k_eth_len;
  size_t room = std::min<size_t>(max_udp, mtu > ip_udp ? mtu - ip_udp : 0);
  room = std::min(room, xsk_queue::k_frame_size - header_len(family));
  return static_cast<uint16_t>(std::max<size_t>(room, 512));
}

}  // namespace

xsk_queue::xsk_queue(const std::string& ifname, uint32_t queue, config::xdp_zero_copy zc,
                     int xsks_map_fd, unsigned mtu)
    : mtu_(mtu) {
  area_bytes_ = static_cast<size_t>(k_frames) * k_frame_size;
  area_ = mmap(nullptr, area_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area_ == MAP_FAILED) {
    area_ = nullptr;
    throw xdp_error(fmt::format("queue {}: cannot map the UMEM: {}", queue, std::strerror(errno)));
  }
  xsk_umem_config ucfg{};
  ucfg.fill_size = k_ring;
  ucfg.comp_size = k_ring;
  ucfg.frame_size = k_frame_size;
  ucfg.frame_headroom = 0;
  ucfg.flags = 0;
  int rc = xsk_umem__create(&umem_, area_, area_bytes_, &fill_, &comp_, &ucfg);
  if (rc) {
    umem_ = nullptr;
    munmap(area_, area_bytes_);
    area_ = nullptr;
    throw xdp_error(fmt::format("queue {}: cannot register the UMEM: {}", queue, std::strerror(-rc)));
  }

  xsk_socket_config scfg{};
  scfg.rx_size = k_ring;
  scfg.tx_size = k_ring;
  scfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;  // our own program steers
  scfg.bind_flags = XDP_USE_NEED_WAKEUP;
  if (zc == config::xdp_zero_copy::on) scfg.bind_flags |= XDP_ZEROCOPY;
  if (zc == config::xdp_zero_copy::off) scfg.bind_flags |= XDP_COPY;
  rc = xsk_socket__create(&xsk_, ifname.c_str(), queue, umem_, &rx_, &tx_, &scfg);
  if (rc) {
    xsk_ = nullptr;
    std::string why = std::strerror(-rc);
    if (rc == -EOPNOTSUPP && zc == config::xdp_zero_copy::on)
      why += " (the driver has no zero-copy AF_XDP; set server.xdp.zero_copy to auto or false)";
    xsk_umem__delete(umem_);
    umem_ = nullptr;
    munmap(area_, area_bytes_);
    area_ = nullptr;
    throw xdp_error(fmt::format("queue {}: cannot bind an AF_XDP socket: {}", queue, why));
  }
  xdp_options opts{};
  socklen_t len = sizeof opts;
  if (getsockopt(xsk_socket__fd(xsk_), SOL_XDP, XDP_OPTIONS, &opts, &len) == 0)
    zero_copy_ = opts.flags & XDP_OPTIONS_ZEROCOPY;

  uint32_t idx = 0;
  if (xsk_ring_prod__reserve(&fill_, k_ring, &idx) != k_ring)
    throw xdp_error(fmt::format("queue {}: the fill ring is short", queue));
  for (uint32_t i = 0; i < k_ring; ++i)
    *xsk_ring_prod__fill_addr(&fill_, idx + i) = static_cast<uint64_t>(i) * k_frame_size;
  xsk_ring_prod__submit(&fill_, k_ring);
  for (uint32_t i = 0; i < k_ring; ++i) free_tx_[i] = static_cast<uint64_t>(k_ring + i) * k_frame_size;
  free_n_ = k_ring;

  rc = xsk_socket__update_xskmap(xsk_, xsks_map_fd);
  if (rc) {
    xsk_socket__delete(xsk_);
    xsk_umem__delete(umem_);
    munmap(area_, area_bytes_);
    xsk_ = nullptr;
    umem_ = nullptr;
    area_ = nullptr;
    throw xdp_error(fmt::format("queue {}: cannot add the socket to the XSK map: {}", queue, std::strerror(-rc)));
  }
}

xsk_queue::~xsk_queue() {
  if (xsk_) xsk_socket__delete(xsk_);
  if (umem_) xsk_umem__delete(umem_);
  if (area_) munmap(area_, area_bytes_);
}

int xsk_queue::fd() const noexcept { return xsk_socket__fd(xsk_); }

void xsk_queue::reclaim_tx() noexcept {
  uint32_t idx = 0;
  const uint32_t n = xsk_ring_cons__peek(&comp_, k_ring, &idx);
  for (uint32_t i = 0; i < n; ++i) free_tx_[free_n_++] = *xsk_ring_cons__comp_addr(&comp_, idx + i);
  if (n) xsk_ring_cons__release(&comp_, n);
}

// Copy mode sends a bounded number of frames per kick and says EAGAIN when
// some are left; a few kicks per batch empty the ring. False when frames
// are still waiting (the shard then comes back without sleeping).
bool xsk_queue::kick_tx() noexcept {
  if (!tx_pending_) return true;
  if (!xsk_ring_prod__needs_wakeup(&tx_)) {
    tx_pending_ = false;
    return true;
  }
  for (int i = 0; i < 8; ++i) {
    if (sendto(xsk_socket__fd(xsk_), nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0) {
      tx_pending_ = false;
      return true;
    }
    if (errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR) {
      tx_pending_ = false;  // ENETDOWN and the like: the frames stay queued for later
      return true;
    }
  }
  return false;
}

bool xsk_queue::answer_one(const xdp_desc& rx, const zone::snapshot* snap, uint16_t max_udp,
                           io::shard_counters& counters) noexcept {
  counters.query(io::proto::udp_xdp);
  const uint64_t addr = xsk_umem__add_offset_to_addr(rx.addr);
  std::span<const uint8_t> frame(static_cast<const uint8_t*>(xsk_umem__get_data(area_, addr)), rx.len);
  query_frame q;
  if (!snap || !free_n_ || !parse_query(frame, q)) {
    counters.drop(io::proto::udp_xdp);
    return false;
  }
  const uint64_t out_addr = free_tx_[free_n_ - 1];
  auto* out = static_cast<uint8_t*>(xsk_umem__get_data(area_, out_addr));
  const size_t hl = header_len(q.family);

  core::client cl;
  cl.family = q.family;
  cl.addr = q.client;
  cl.proto = core::transport::udp;
  cl.max_udp = reply_room(max_udp, mtu_, q.family);
  core::result r = core::answer(*snap, cl, frame.subspan(q.payload_offset, q.payload_len),
                                std::span<uint8_t>(out + hl, cl.max_udp));
  // The TX ring is as large as the TX pool, so a slot is free whenever a
  // frame is.
  uint32_t tidx = 0;
  if (r.act != core::action::reply || r.size == 0 || r.size > cl.max_udp ||
      xsk_ring_prod__reserve(&tx_, 1, &tidx) != 1) {
    counters.drop(io::proto::udp_xdp);
    return false;
  }
  xdp_desc* d = xsk_ring_prod__tx_desc(&tx_, tidx);
  d->addr = out_addr;
  d->len = static_cast<uint32_t>(write_reply_headers(frame, q, out, r.size));
  d->options = 0;
  --free_n_;
  counters.response(io::proto::udp_xdp, r.rcode, r.truncated);
  return true;
}

bool xsk_queue::on_ready(const zone::snapshot* snap, uint16_t max_udp, io::shard_counters& counters) noexcept {
  reclaim_tx();
  uint32_t rx_idx = 0;
  const uint32_t got = xsk_ring_cons__peek(&rx_, k_batch, &rx_idx);
  if (got) {
    // Every received frame goes back to the fill ring below: it has room
    // for all of them, as they came out of it.
    uint32_t fill_idx = 0;
    const uint32_t fill_got = xsk_ring_prod__reserve(&fill_, got, &fill_idx);
    uint32_t queued = 0;
    for (uint32_t i = 0; i < got; ++i) {
      const xdp_desc* d = xsk_ring_cons__rx_desc(&rx_, rx_idx + i);
      if (answer_one(*d, snap, max_udp, counters)) ++queued;
      if (fill_got == got) *xsk_ring_prod__fill_addr(&fill_, fill_idx + i) = xsk_umem__extract_addr(d->addr);
    }
    if (queued) {
      xsk_ring_prod__submit(&tx_, queued);
      tx_pending_ = true;
    }
    xsk_ring_cons__release(&rx_, got);
    if (fill_got == got) xsk_ring_prod__submit(&fill_, got);
    if (xsk_ring_prod__needs_wakeup(&fill_))
      recvfrom(xsk_socket__fd(xsk_), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
  }
  const bool flushed = kick_tx();
  return got == k_batch || !flushed;
}

}  // namespace hadns::xdp
