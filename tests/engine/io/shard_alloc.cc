// tests/engine/io/shard_alloc.cc -- the no-allocation-per-packet check
// (see shard_alloc.h): the counting allocator and the allocation-free client.
#include "tests/engine/io/shard_alloc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "engine/io/features.h"
#include "engine/io/server.h"

namespace {
std::atomic<long> g_allocations{0};
}

// The C allocator, for code linked into this binary (shared libraries call
// it unwrapped; their C++ allocations still go through operator new below).
extern "C" {
void* __real_malloc(size_t);
void* __real_calloc(size_t, size_t);
void* __real_realloc(void*, size_t);
void* __wrap_malloc(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __real_malloc(n);
}
void* __wrap_calloc(size_t n, size_t m) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __real_calloc(n, m);
}
void* __wrap_realloc(void* p, size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __real_realloc(p, n);
}
}

// Every operator new of the process (they replace the library's).
namespace {
void* counted(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __real_malloc(n ? n : 1);
}
void* counted_aligned(size_t n, std::align_val_t a) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  size_t align = static_cast<size_t>(a);
  return std::aligned_alloc(align, (n + align - 1) / align * align);
}
}  // namespace

void* operator new(size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new(size_t n, std::align_val_t a) {
  if (void* p = counted_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n, std::align_val_t a) {
  if (void* p = counted_aligned(n, a)) return p;
  throw std::bad_alloc();
}
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_aligned(n, a);
}
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_aligned(n, a);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }

namespace hadns::io {
namespace {

using namespace std::chrono_literals;

// A framed query with OPT, built before the measured window.
struct query {
  std::array<uint8_t, 300> wire{};
  size_t size = 0;  // without the 2-byte TCP length
  uint8_t* dns() { return wire.data() + 2; }
};

query make_query(const std::vector<uint8_t>& qname, uint16_t qtype) {
  query q;
  std::vector<uint8_t> m = {0, 0, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1};
  m.insert(m.end(), qname.begin(), qname.end());
  m.insert(m.end(), {static_cast<uint8_t>(qtype >> 8), static_cast<uint8_t>(qtype), 0, 1});
  m.insert(m.end(), {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0});  // OPT, 1232 bytes
  q.size = m.size();
  q.wire[0] = static_cast<uint8_t>(q.size >> 8);
  q.wire[1] = static_cast<uint8_t>(q.size);
  std::memcpy(q.dns(), m.data(), m.size());
  return q;
}

void set_id(query& q, uint16_t id) {
  q.dns()[0] = static_cast<uint8_t>(id >> 8);
  q.dns()[1] = static_cast<uint8_t>(id);
}

bool wait_readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 2000) == 1;
}

// The client: one connected UDP socket and one TCP connection, no heap.
class client {
 public:
  explicit client(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    udp_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    tcp_ = ::socket(AF_INET, SOCK_STREAM, 0);
    ok_ = udp_ >= 0 && tcp_ >= 0 &&
          connect(udp_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
          connect(tcp_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~client() {
    if (udp_ >= 0) ::close(udp_);
    if (tcp_ >= 0) ::close(tcp_);
  }
  bool ok() const { return ok_; }

  // `burst` queries sent back to back, then their answers read; returns
  // how many came back with the right ID.
  int udp_burst(query& q, uint16_t first_id, int burst) {
    for (int i = 0; i < burst; ++i) {
      set_id(q, static_cast<uint16_t>(first_id + i));
      if (send(udp_, q.dns(), q.size, 0) != static_cast<ssize_t>(q.size)) return 0;
    }
    int good = 0;
    for (int i = 0; i < burst; ++i) {
      if (!wait_readable(udp_)) break;
      ssize_t n = recv(udp_, buf_.data(), buf_.size(), 0);
      if (n >= 12 && (buf_[2] & 0x80)) ++good;
    }
    return good;
  }

  // `pipelined` queries in one write on the kept connection, then their
  // answers; returns how many came back in order.
  int tcp_round(query& q, uint16_t first_id, int pipelined) {
    size_t frame = q.size + 2;
    size_t total = 0;
    for (int i = 0; i < pipelined && total + frame <= out_.size(); ++i) {
      set_id(q, static_cast<uint16_t>(first_id + i));
      std::memcpy(out_.data() + total, q.wire.data(), frame);
      total += frame;
    }
    if (send(tcp_, out_.data(), total, MSG_NOSIGNAL) != static_cast<ssize_t>(total)) return 0;
    int good = 0;
    for (int i = 0; i < pipelined; ++i) {
      if (!read_n(2)) break;
      size_t len = static_cast<size_t>(buf_[0] << 8 | buf_[1]);
      if (!read_n(len)) break;
      if (len >= 12 && (buf_[0] << 8 | buf_[1]) == static_cast<uint16_t>(first_id + i)) ++good;
    }
    return good;
  }

 private:
  bool read_n(size_t n) {
    size_t got = 0;
    while (got < n) {
      if (!wait_readable(tcp_)) return false;
      ssize_t k = recv(tcp_, buf_.data() + got, n - got, 0);
      if (k <= 0) return false;
      got += static_cast<size_t>(k);
    }
    return true;
  }

  int udp_ = -1, tcp_ = -1;
  bool ok_ = false;
  std::array<uint8_t, 65536> buf_{};
  std::array<uint8_t, 4096> out_{};
};

}  // namespace

void expect_no_allocation_per_packet(std::shared_ptr<const zone::snapshot> snap,
                                     const std::vector<uint8_t>& qname, uint16_t qtype) {
  if (std::string missing = missing_kernel_features(); !missing.empty()) GTEST_SKIP() << missing;
  config::server_config cfg;
  config::endpoint ep;
  ep.family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", ep.addr.data());
  ep.port = 0;
  ep.text = "127.0.0.1";
  cfg.listen = {ep};
  cfg.shards = 1;
  long at_start = g_allocations.load();
  server srv(cfg);
  srv.snapshots().publish(std::move(snap));
  srv.bind();
  srv.start();
  ASSERT_GT(g_allocations.load(), at_start) << "the counting allocator sees nothing";
  auto c = std::make_unique<client>(srv.listen()[0].port);
  ASSERT_TRUE(c->ok());
  query q = make_query(qname, qtype);

  // Warm-up: the first connection, the first sends and every lazily made
  // structure happen here.
  int warm = 0;
  for (int i = 0; i < 20; ++i) warm += c->udp_burst(q, static_cast<uint16_t>(i * 16), 16);
  for (int i = 0; i < 10; ++i) warm += c->tcp_round(q, static_cast<uint16_t>(i * 8), 8);
  ASSERT_EQ(warm, 20 * 16 + 10 * 8);

  // Two measured rounds, the second four times longer: a count that grows
  // with the number of packets shows up in either.
  int answered[2] = {0, 0};
  long allocated[2] = {0, 0};
  for (int round = 0; round < 2; ++round) {
    int n = round == 0 ? 50 : 200;  // x (16 UDP + 8 TCP) queries
    long before = g_allocations.load();
    for (int i = 0; i < n; ++i) {
      answered[round] += c->udp_burst(q, static_cast<uint16_t>(i * 16), 16);
      answered[round] += c->tcp_round(q, static_cast<uint16_t>(i * 8), 8);
    }
    allocated[round] = g_allocations.load() - before;
  }
  EXPECT_EQ(answered[0], 50 * 24);
  EXPECT_EQ(answered[1], 200 * 24);
  EXPECT_EQ(allocated[0], 0) << "heap allocations while answering " << answered[0] << " queries";
  EXPECT_EQ(allocated[1], 0) << "heap allocations while answering " << answered[1] << " queries";
  c.reset();
  srv.stop();
  EXPECT_EQ(srv.total().queries[0] + srv.total().queries[1],
            static_cast<uint64_t>(20 * 16 + 10 * 8 + 250 * 24));
}

}  // namespace hadns::io
