// tools/loadgen/udp_worker.cc -- the send/receive loop of one sender thread.
#include "tools/loadgen/udp_worker.h"

#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>

namespace hadns::loadgen {

namespace {
constexpr size_t k_ids = 65536;
constexpr size_t k_reply_size = 512;  // only the header is read; longer replies are cut
}  // namespace

uint64_t monotonic_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

void worker_stats::merge(const worker_stats& o) noexcept {
  sent += o.sent;
  received += o.received;
  timed_out += o.timed_out;
  unanswered += o.unanswered;
  late += o.late;
  malformed += o.malformed;
  truncated += o.truncated;
  send_errors += o.send_errors;
  for (int i = 0; i < 16; ++i) rcodes[i] += o.rcodes[i];
  latency.merge(o.latency);
}

// One socket: its ID counter, the send time of each outstanding ID (0 = not
// outstanding) and the IDs in the order they were sent, for expiry.
struct udp_worker::flow {
  int fd = -1;
  uint16_t next_id = 0;
  uint32_t outstanding = 0;
  std::vector<uint64_t> sent_at = std::vector<uint64_t>(k_ids, 0);
  std::vector<uint16_t> order = std::vector<uint16_t>(k_ids, 0);  // ring
  size_t order_head = 0;  // oldest
  size_t order_size = 0;
};

udp_worker::udp_worker(const target& tgt, const std::vector<wire_query>& queries,
                       const worker_config& cfg)
    : queries_(queries), cfg_(cfg), flows_(static_cast<size_t>(cfg.sockets)) {
  next_query_ = cfg.first_query % queries_.size();
  for (auto& f : flows_) {
    f.fd = socket(tgt.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (f.fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    setsockopt(f.fd, SOL_SOCKET, SO_RCVBUF, &cfg_.socket_buffer, sizeof(cfg_.socket_buffer));
    setsockopt(f.fd, SOL_SOCKET, SO_SNDBUF, &cfg_.socket_buffer, sizeof(cfg_.socket_buffer));
    // connect() binds an ephemeral port of its own to each socket.
    if (connect(f.fd, reinterpret_cast<const sockaddr*>(&tgt.addr), tgt.addr_len) != 0) {
      throw std::system_error(errno, std::generic_category(), "connect " + tgt.text);
    }
  }
}

udp_worker::~udp_worker() {
  for (auto& f : flows_) {
    if (f.fd >= 0) close(f.fd);
  }
}

void udp_worker::expire(flow& f, uint64_t now) {
  while (f.order_size > 0) {
    uint16_t id = f.order[f.order_head];
    uint64_t at = f.sent_at[id];
    if (at != 0) {
      // Keep room for one more batch of IDs in the ring (batch <= 256).
      if (now < at + cfg_.timeout_ns && f.order_size <= k_ids - 256) break;
      f.sent_at[id] = 0;  // timed out (or its ID is needed again)
      --f.outstanding;
      ++stats_.timed_out;
    }
    f.order_head = (f.order_head + 1) % k_ids;
    --f.order_size;
  }
}

int udp_worker::send_batch(flow& f, int budget, uint64_t now) {
  int n = std::min(budget, cfg_.batch);
  if (n <= 0) return 0;
  mmsghdr msgs[256];
  iovec iovs[256][2];
  uint8_t ids[256][2];
  size_t query_index[256];
  for (int i = 0; i < n; ++i) {
    const auto& q = queries_[next_query_];
    query_index[i] = next_query_;
    next_query_ = next_query_ + 1 == queries_.size() ? 0 : next_query_ + 1;
    uint16_t id = static_cast<uint16_t>(f.next_id + i);
    ids[i][0] = static_cast<uint8_t>(id >> 8);
    ids[i][1] = static_cast<uint8_t>(id & 0xff);
    iovs[i][0] = {ids[i], 2};
    iovs[i][1] = {const_cast<uint8_t*>(q.bytes.data()) + 2, q.bytes.size() - 2};
    std::memset(&msgs[i], 0, sizeof(msgs[i]));
    msgs[i].msg_hdr.msg_iov = iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 2;
  }
  int sent = sendmmsg(f.fd, msgs, static_cast<unsigned>(n), MSG_DONTWAIT);
  if (sent < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) ++stats_.send_errors;
    sent = 0;
  }
  for (int i = 0; i < sent; ++i) {
    uint16_t id = static_cast<uint16_t>(f.next_id + i);
    f.sent_at[id] = now | 1;  // never 0, which means "not outstanding"
    f.order[(f.order_head + f.order_size) % k_ids] = id;
    ++f.order_size;
  }
  if (sent < n) {
    // Put back the queries that did not go out so the sequence stays as in the file.
    next_query_ = query_index[sent];
  }
  f.next_id = static_cast<uint16_t>(f.next_id + sent);
  f.outstanding += static_cast<uint32_t>(sent);
  stats_.sent += static_cast<uint64_t>(sent);
  return sent;
}

int udp_worker::receive_batch(flow& f) {
  static thread_local uint8_t bufs[256][k_reply_size];
  mmsghdr msgs[256];
  iovec iovs[256];
  int n = cfg_.batch;
  for (int i = 0; i < n; ++i) {
    iovs[i] = {bufs[i], k_reply_size};
    std::memset(&msgs[i], 0, sizeof(msgs[i]));
    msgs[i].msg_hdr.msg_iov = &iovs[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int got = recvmmsg(f.fd, msgs, static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  if (got <= 0) return 0;
  uint64_t now = monotonic_ns();
  for (int i = 0; i < got; ++i) {
    const uint8_t* b = bufs[i];
    if (msgs[i].msg_len < 12 || (b[2] & 0x80) == 0) {
      ++stats_.malformed;
      continue;
    }
    uint16_t id = static_cast<uint16_t>((b[0] << 8) | b[1]);
    uint64_t at = f.sent_at[id];
    if (at == 0) {
      ++stats_.late;
      continue;
    }
    f.sent_at[id] = 0;
    --f.outstanding;
    ++stats_.received;
    ++stats_.rcodes[b[3] & 0x0f];
    if (b[2] & 0x02) ++stats_.truncated;
    stats_.latency.record(now > at ? now - at : 0);
  }
  return got;
}

void udp_worker::run(uint64_t start_ns, uint64_t stop_ns, uint64_t drain_ns) {
  std::vector<pollfd> fds(flows_.size());
  for (size_t i = 0; i < flows_.size(); ++i) fds[i] = {flows_[i].fd, POLLIN, 0};
  const uint32_t window = static_cast<uint32_t>(cfg_.window);
  size_t first_flow = 0;
  for (;;) {
    uint64_t now = monotonic_ns();
    bool sending = now < stop_ns;
    uint64_t outstanding = 0;
    for (auto& f : flows_) outstanding += f.outstanding;
    if (!sending && (outstanding == 0 || now >= drain_ns)) break;

    int sent_now = 0;
    if (sending) {
      int64_t tokens = INT64_MAX;
      if (cfg_.qps > 0) {
        double due = cfg_.qps * double(now - start_ns) / 1e9;
        tokens = static_cast<int64_t>(std::floor(due)) - static_cast<int64_t>(stats_.sent) + 1;
      }
      // Start at a different socket each turn so a rate limit spreads the
      // queries over every socket (and so over every shard of the server).
      first_flow = first_flow + 1 == flows_.size() ? 0 : first_flow + 1;
      for (size_t k = 0; k < flows_.size(); ++k) {
        auto& f = flows_[(first_flow + k) % flows_.size()];
        expire(f, now);
        if (tokens <= 0) continue;
        int64_t budget = std::min<int64_t>(int64_t{window} - int64_t{f.outstanding}, tokens);
        int s = send_batch(f, static_cast<int>(budget), now);
        sent_now += s;
        tokens -= s;
      }
    } else {
      for (auto& f : flows_) expire(f, now);
    }
    int ready = poll(fds.data(), fds.size(), sent_now > 0 ? 0 : 1);
    if (ready <= 0) continue;
    for (size_t i = 0; i < flows_.size(); ++i) {
      if (fds[i].revents & POLLIN) {
        while (receive_batch(flows_[i]) == cfg_.batch) {
        }
      }
    }
  }
  for (auto& f : flows_) {
    stats_.unanswered += f.outstanding;
    f.outstanding = 0;
  }
}

}  // namespace hadns::loadgen
