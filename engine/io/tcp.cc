// engine/io/tcp.cc -- the TCP front end (see tcp.h).
#include "engine/io/tcp.h"

#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>

#include "engine/core/answer.h"

namespace hadns::io {

namespace {

constexpr size_t k_max_message = 65535;
constexpr size_t k_rcap = 69632;    // one whole framed query always fits, plus more
constexpr size_t k_wcap = 135168;   // room for a full answer beside queued ones
constexpr size_t k_pool = 64;       // closed connections kept for reuse
constexpr size_t k_dns_header = 12;

}  // namespace

struct tcp_front::conn {
  uint8_t* rbuf = nullptr;  // k_rcap bytes, then wbuf
  uint8_t* wbuf = nullptr;
  int fd = -1;
  uint32_t index = 0;
  uint32_t rpos = 0, rlen = 0;  // unread queries: rbuf[rpos, rlen)
  uint32_t woff = 0, wlen = 0;  // unsent answers: wbuf[woff, wlen)
  bool recv_pending = false;
  bool send_pending = false;
  bool closing = false;  // close once everything read has been answered and sent
  bool dead = false;     // closing now: waiting for in-flight requests to end
  int64_t last_ms = 0;   // accept, last complete query read or answer sent
  core::client cl;
};

tcp_front::tcp_front(uring& ring, shard_counters& counters, std::vector<int> listeners,
                     std::atomic<uint32_t>& open, uint32_t max_connections,
                     std::chrono::milliseconds idle_timeout, uint16_t max_udp)
    : ring_(ring), counters_(counters), listeners_(std::move(listeners)),
      armed_(listeners_.size(), false), open_(open), max_(max_connections),
      idle_ms_(idle_timeout.count()), max_udp_(max_udp) {}

// The ring is gone by now (see shard.cc): close(2) is the only way left.
tcp_front::~tcp_front() {
  for (int fd : listeners_)
    if (fd >= 0) ::close(fd);
  auto free_conn = [](conn* c) {
    munmap(c->rbuf, k_rcap + k_wcap);
    delete c;
  };
  for (conn* c : conns_) {
    if (!c) continue;
    if (c->fd >= 0) {
      ::close(c->fd);
      open_.fetch_sub(1, std::memory_order_relaxed);
      counters_.tcp_closed();
    }
    free_conn(c);
  }
  for (conn* c : pool_) free_conn(c);
}

void tcp_front::start() {
  for (uint32_t i = 0; i < listeners_.size(); ++i) arm_accept(i);
}

int64_t tcp_front::sweep_period_ms() const noexcept {
  return std::clamp<int64_t>(idle_ms_ / 4, 10, 250);
}

void tcp_front::arm_accept(uint32_t i) noexcept {
  if (stopping_ || armed_[i] || listeners_[i] < 0) return;
  io_uring_sqe* sqe = ring_.sqe();
  if (!sqe) return;
  io_uring_prep_multishot_accept(sqe, listeners_[i], nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, make_tag(op::tcp_accept, i));
  armed_[i] = true;
  ++accepts_armed_;
}

tcp_front::conn* tcp_front::new_conn() noexcept {
  conn* c = nullptr;
  if (!pool_.empty()) {
    c = pool_.back();
    pool_.pop_back();
    uint8_t* r = c->rbuf;
    *c = conn{};
    c->rbuf = r;
    c->wbuf = r + k_rcap;
  } else {
    void* mem = mmap(nullptr, k_rcap + k_wcap, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return nullptr;
    c = new (std::nothrow) conn;
    if (!c) {
      munmap(mem, k_rcap + k_wcap);
      return nullptr;
    }
    c->rbuf = static_cast<uint8_t*>(mem);
    c->wbuf = c->rbuf + k_rcap;
  }
  if (!free_idx_.empty()) {
    c->index = free_idx_.back();
    free_idx_.pop_back();
    conns_[c->index] = c;
  } else {
    c->index = static_cast<uint32_t>(conns_.size());
    conns_.push_back(c);
  }
  return c;
}

void tcp_front::on_accept(const io_uring_cqe& cqe) noexcept {
  uint32_t i = tag_index(cqe.user_data);
  if (i >= listeners_.size()) return;
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    armed_[i] = false;
    --accepts_armed_;
    if (stopping_) {
      ring_.close(listeners_[i]);
      listeners_[i] = -1;
    } else {
      arm_accept(i);
    }
  }
  if (cqe.res < 0) return;
  int fd = cqe.res;
  if (stopping_ || open_.fetch_add(1, std::memory_order_relaxed) >= max_) {
    if (!stopping_) open_.fetch_sub(1, std::memory_order_relaxed);
    ring_.close(fd);
    counters_.tcp_refused();
    return;
  }
  conn* c = new_conn();
  if (!c) {
    open_.fetch_sub(1, std::memory_order_relaxed);
    ring_.close(fd);
    counters_.tcp_refused();
    return;
  }
  c->fd = fd;
  c->last_ms = now_ms_;
  c->cl.proto = core::transport::tcp;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    if (ss.ss_family == AF_INET6) {
      c->cl.family = AF_INET6;
      std::memcpy(c->cl.addr.data(), &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, 16);
    } else {
      c->cl.family = AF_INET;
      std::memcpy(c->cl.addr.data(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, 4);
    }
  }
  ++live_;
  counters_.tcp_accepted();
  kick(*c);
}

void tcp_front::process(conn& c, const zone::snapshot* snap) noexcept {
  while (!c.dead && c.rlen - c.rpos >= 2) {
    const uint8_t* p = c.rbuf + c.rpos;
    size_t len = (static_cast<size_t>(p[0]) << 8) | p[1];
    if (len < k_dns_header) {  // not even a DNS header: garbage
      counters_.tcp_error();
      close_after_flush(c);
      break;
    }
    if (c.rlen - c.rpos < 2 + len) break;              // partial: wait for more
    if (k_wcap - c.wlen < 2 + k_max_message) break;    // wait for the writer
    counters_.query(proto::tcp);
    c.last_ms = now_ms_;  // a complete message: the idle time starts again
    c.cl.max_udp = max_udp_;
    core::result r{};
    if (snap)
      r = core::answer(*snap, c.cl, std::span<const uint8_t>(p + 2, len),
                       std::span<uint8_t>(c.wbuf + c.wlen + 2, k_max_message));
    if (r.act != core::action::reply || r.size == 0) {
      // An unanswerable message (unreadable, QR=1) ends the connection, but
      // the answers to the queries pipelined before it still go out.
      counters_.drop(proto::tcp);
      counters_.tcp_error();
      close_after_flush(c);
      break;
    }
    c.wbuf[c.wlen] = static_cast<uint8_t>(r.size >> 8);
    c.wbuf[c.wlen + 1] = static_cast<uint8_t>(r.size);
    c.wlen += 2 + r.size;
    c.rpos += static_cast<uint32_t>(2 + len);
    counters_.response(proto::tcp, r.rcode, r.truncated);
  }
  kick(c);
}

void tcp_front::close_after_flush(conn& c) noexcept {
  c.rpos = c.rlen;  // nothing more is read or answered on this connection
  c.closing = true;
}

void tcp_front::kick(conn& c) noexcept {
  if (c.dead) return;
  if (!c.send_pending && c.wlen > c.woff) {
    io_uring_sqe* sqe = ring_.sqe();
    if (!sqe) {
      abort(c);
      return;
    }
    io_uring_prep_send(sqe, c.fd, c.wbuf + c.woff, c.wlen - c.woff, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, make_tag(op::tcp_send, c.index));
    c.send_pending = true;
  }
  if (c.closing) {
    if (!c.send_pending && c.wlen == c.woff) abort(c);  // all answered and sent
    return;
  }
  if (!c.recv_pending) {
    if (c.rpos > 0) {  // no recv in flight: safe to move unread bytes down
      std::memmove(c.rbuf, c.rbuf + c.rpos, c.rlen - c.rpos);
      c.rlen -= c.rpos;
      c.rpos = 0;
    }
    if (c.rlen < k_rcap) {
      io_uring_sqe* sqe = ring_.sqe();
      if (!sqe) {
        abort(c);
        return;
      }
      io_uring_prep_recv(sqe, c.fd, c.rbuf + c.rlen, k_rcap - c.rlen, 0);
      io_uring_sqe_set_data64(sqe, make_tag(op::tcp_recv, c.index));
      c.recv_pending = true;
    }
  }
}

void tcp_front::on_recv(const io_uring_cqe& cqe, const zone::snapshot* snap) noexcept {
  uint32_t i = tag_index(cqe.user_data);
  if (i >= conns_.size() || !conns_[i]) return;
  conn& c = *conns_[i];
  c.recv_pending = false;
  if (c.dead) {
    maybe_release(c);
    return;
  }
  if (cqe.res > 0) {
    c.rlen += static_cast<uint32_t>(cqe.res);  // no idle reset: see process()
  } else if (cqe.res == 0 || (cqe.res == -ECANCELED && stopping_)) {
    c.closing = true;  // peer done (or we stop): answer what was read, then close
  } else {
    abort(c);
    return;
  }
  process(c, snap);
}

void tcp_front::on_send(const io_uring_cqe& cqe, const zone::snapshot* snap) noexcept {
  uint32_t i = tag_index(cqe.user_data);
  if (i >= conns_.size() || !conns_[i]) return;
  conn& c = *conns_[i];
  c.send_pending = false;
  if (c.dead) {
    maybe_release(c);
    return;
  }
  if (cqe.res <= 0) {
    abort(c);
    return;
  }
  c.woff += static_cast<uint32_t>(cqe.res);
  if (c.woff == c.wlen) {  // every answer sent whole: the idle time starts again
    c.woff = c.wlen = 0;
    c.last_ms = now_ms_;
  }
  process(c, snap);  // queries may have waited for write room
}

void tcp_front::abort(conn& c) noexcept {
  if (c.dead) return;
  c.dead = true;
  if (c.recv_pending) ring_.cancel(make_tag(op::tcp_recv, c.index));
  if (c.send_pending) ring_.cancel(make_tag(op::tcp_send, c.index));
  maybe_release(c);
}

void tcp_front::maybe_release(conn& c) noexcept {
  if (!c.dead || c.recv_pending || c.send_pending) return;
  ring_.close(c.fd);
  c.fd = -1;
  open_.fetch_sub(1, std::memory_order_relaxed);
  counters_.tcp_closed();
  --live_;
  conns_[c.index] = nullptr;
  free_idx_.push_back(c.index);
  if (pool_.size() < k_pool) {
    pool_.push_back(&c);
  } else {
    munmap(c.rbuf, k_rcap + k_wcap);
    delete &c;
  }
}

void tcp_front::sweep() noexcept {
  for (conn* c : conns_) {
    if (!c || c->dead) continue;
    if (now_ms_ - c->last_ms >= idle_ms_) {
      counters_.tcp_timeout();
      abort(*c);
    }
  }
}

void tcp_front::stop(const zone::snapshot* snap) noexcept {
  if (stopping_) return;
  stopping_ = true;
  for (uint32_t i = 0; i < listeners_.size(); ++i) {
    if (armed_[i]) {
      ring_.cancel(make_tag(op::tcp_accept, i));
    } else if (listeners_[i] >= 0) {
      ring_.close(listeners_[i]);
      listeners_[i] = -1;
    }
  }
  for (conn* c : conns_) {
    if (!c || c->dead) continue;
    c->closing = true;
    if (c->recv_pending) ring_.cancel(make_tag(op::tcp_recv, c->index));
    process(*c, snap);
  }
}

}  // namespace hadns::io
