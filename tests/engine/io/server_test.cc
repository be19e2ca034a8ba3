// tests/engine/io/server_test.cc -- the shard loop on loopback sockets with
// the stand-in core: UDP over IPv4 and IPv6 (reply from the queried
// address), a failed UDP send counted once, TCP framing, pipelining,
// partial writes, garbage, idle timeout (trickled bytes do not reset it),
// the connection cap, sockets closed, publishing a new Snapshot, stop,
// counters.
#include "engine/io/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/io/features.h"
#include "tests/engine/io/standin_core.h"

namespace hadns::io {
namespace {

using namespace std::chrono_literals;
using bytes = std::vector<uint8_t>;

config::endpoint ep(int family, const char* text) {
  config::endpoint e;
  e.family = family;
  inet_pton(family, text, e.addr.data());
  e.port = 0;
  e.text = text;
  return e;
}

bytes make_query(uint16_t id, const std::string& first_label = "www") {
  bytes q = {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  q.push_back(static_cast<uint8_t>(first_label.size()));
  q.insert(q.end(), first_label.begin(), first_label.end());
  for (const char* l : {"demo", "test"}) {
    q.push_back(static_cast<uint8_t>(std::strlen(l)));
    q.insert(q.end(), l, l + std::strlen(l));
  }
  q.insert(q.end(), {0, 0, 1, 0, 1});
  return q;
}

uint16_t id_of(const bytes& m) { return static_cast<uint16_t>(m[0] << 8 | m[1]); }

bool wait_readable(int fd, std::chrono::milliseconds t) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(t.count())) == 1;
}

sockaddr_storage to_addr(const config::endpoint& e, socklen_t& len) {
  sockaddr_storage ss{};
  if (e.family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(e.port);
    std::memcpy(&a->sin6_addr, e.addr.data(), 16);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(e.port);
    std::memcpy(&a->sin_addr, e.addr.data(), 4);
    len = sizeof *a;
  }
  return ss;
}

struct fd_closer {
  int fd;
  ~fd_closer() {
    if (fd >= 0) ::close(fd);
  }
};

// One UDP exchange; returns the reply (empty on timeout) and checks that it
// came from the address queried.
bytes udp_exchange(const config::endpoint& to, const bytes& q) {
  int fd = ::socket(to.family, SOCK_DGRAM, 0);
  fd_closer c{fd};
  socklen_t len;
  sockaddr_storage dst = to_addr(to, len);
  if (connect(fd, reinterpret_cast<sockaddr*>(&dst), len) != 0) return {};
  if (send(fd, q.data(), q.size(), 0) != static_cast<ssize_t>(q.size())) return {};
  if (!wait_readable(fd, 2s)) return {};
  bytes r(65535);
  ssize_t n = recv(fd, r.data(), r.size(), 0);  // connected: only from `to`
  if (n <= 0) return {};
  r.resize(static_cast<size_t>(n));
  return r;
}

int tcp_connect(const config::endpoint& to) {
  int fd = ::socket(to.family, SOCK_STREAM, 0);
  socklen_t len;
  sockaddr_storage dst = to_addr(to, len);
  if (connect(fd, reinterpret_cast<sockaddr*>(&dst), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bytes frame(const bytes& q) {
  bytes f = {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())};
  f.insert(f.end(), q.begin(), q.end());
  return f;
}

// Reads exactly n bytes (empty on EOF/timeout).
bytes read_n(int fd, size_t n, std::chrono::milliseconds t = 2s) {
  bytes out(n);
  size_t got = 0;
  while (got < n) {
    if (!wait_readable(fd, t)) return {};
    ssize_t k = recv(fd, out.data() + got, n - got, 0);
    if (k <= 0) return {};
    got += static_cast<size_t>(k);
  }
  return out;
}

bytes read_message(int fd) {
  bytes len = read_n(fd, 2);
  if (len.size() != 2) return {};
  return read_n(fd, static_cast<size_t>(len[0] << 8 | len[1]));
}

// True if the peer closes the connection within `t`.
bool closed_within(int fd, std::chrono::milliseconds t) {
  auto end = std::chrono::steady_clock::now() + t;
  uint8_t b[512];
  while (std::chrono::steady_clock::now() < end) {
    if (!wait_readable(fd, 50ms)) continue;
    ssize_t k = recv(fd, b, sizeof b, 0);
    if (k <= 0) return true;
  }
  return false;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string missing = missing_kernel_features(); !missing.empty()) GTEST_SKIP() << missing;
  }

  void start(int shards = 2, uint32_t max_conns = 100, std::chrono::milliseconds idle = 10s) {
    config::server_config cfg;
    cfg.listen = {ep(AF_INET, "127.0.0.1"), ep(AF_INET6, "::1")};
    cfg.shards = std::min<int>(shards, static_cast<int>(affinity_cpus().size()));
    cfg.tcp_max_connections = max_conns;
    cfg.tcp_idle_timeout = idle;
    srv = std::make_unique<server>(cfg);
    srv->snapshots().publish(std::make_shared<const zone::snapshot>(0, &destroyed));
    srv->bind();
    srv->start();
    v4 = srv->listen()[0];
    v6 = srv->listen()[1];
  }

  void TearDown() override {
    if (srv) srv->stop();
  }

  // A UDP response is counted when its send completes, which the shard
  // reaps a moment after the client may already hold the reply: the
  // totals once `n` UDP responses are counted (or after a second).
  shard_stats total_after_udp_responses(uint64_t n) {
    for (int i = 0; i < 200 && srv->total().responses_total(proto::udp) < n; ++i)
      std::this_thread::sleep_for(5ms);
    return srv->total();
  }

  std::atomic<int> destroyed{0};
  std::unique_ptr<server> srv;
  config::endpoint v4, v6;
};

TEST_F(ServerTest, UdpAnswersOverIpv4AndIpv6) {
  start();
  ASSERT_NE(v4.port, 0);
  for (const auto& to : {v4, v6}) {
    bytes r = udp_exchange(to, make_query(0x1234));
    ASSERT_FALSE(r.empty()) << to.text;
    EXPECT_EQ(id_of(r), 0x1234);
    EXPECT_TRUE(r[2] & 0x80);  // QR
  }
  shard_stats t = total_after_udp_responses(2);
  EXPECT_EQ(t.queries[0], 2u);
  EXPECT_EQ(t.responses_total(proto::udp), 2u);
  EXPECT_EQ(t.responses[0][0], 2u);  // NOERROR
}

TEST_F(ServerTest, UdpBigAnswerIsTruncatedAndTcpGetsItWhole) {
  start();
  bytes r = udp_exchange(v4, make_query(7, "big"));
  ASSERT_FALSE(r.empty());
  EXPECT_TRUE(r[2] & 0x02);  // TC
  EXPECT_LT(r.size(), 512u);
  int fd = tcp_connect(v4);
  fd_closer c{fd};
  bytes f = frame(make_query(8, "big"));
  ASSERT_EQ(send(fd, f.data(), f.size(), 0), static_cast<ssize_t>(f.size()));
  bytes m = read_message(fd);
  ASSERT_EQ(m.size(), 3000u);
  EXPECT_FALSE(m[2] & 0x02);
  EXPECT_EQ(total_after_udp_responses(1).truncated[0], 1u);
}

TEST_F(ServerTest, MalformedUdpIsDroppedAndServingGoesOn) {
  start(1);
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  fd_closer c{fd};
  socklen_t len;
  sockaddr_storage dst = to_addr(v4, len);
  const uint8_t tiny[3] = {1, 2, 3};
  sendto(fd, tiny, sizeof tiny, 0, reinterpret_cast<sockaddr*>(&dst), len);
  bytes qr = make_query(9);
  qr[2] |= 0x80;  // a response: dropped
  sendto(fd, qr.data(), qr.size(), 0, reinterpret_cast<sockaddr*>(&dst), len);
  bytes r = udp_exchange(v4, make_query(10));
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(id_of(r), 10);
  EXPECT_EQ(srv->total().dropped[0], 2u);
}

TEST_F(ServerTest, TcpPipelinedQueriesAreAnsweredInOrder) {
  start();
  for (const auto& to : {v4, v6}) {
    int fd = tcp_connect(to);
    ASSERT_GE(fd, 0);
    fd_closer c{fd};
    bytes all;
    for (uint16_t id = 1; id <= 5; ++id) {
      bytes f = frame(make_query(id, id == 3 ? "big" : "www"));
      all.insert(all.end(), f.begin(), f.end());
    }
    ASSERT_EQ(send(fd, all.data(), all.size(), 0), static_cast<ssize_t>(all.size()));
    for (uint16_t id = 1; id <= 5; ++id) {
      bytes m = read_message(fd);
      ASSERT_FALSE(m.empty()) << "answer " << id;
      EXPECT_EQ(id_of(m), id);
    }
  }
}

TEST_F(ServerTest, TcpPartialWritesAreReassembled) {
  start();
  int fd = tcp_connect(v4);
  fd_closer c{fd};
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bytes f = frame(make_query(42));
  for (uint8_t b : f) {
    ASSERT_EQ(send(fd, &b, 1, 0), 1);
    std::this_thread::sleep_for(2ms);
  }
  bytes m = read_message(fd);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(id_of(m), 42);
}

TEST_F(ServerTest, TcpGarbageIsDisconnected) {
  start();
  int fd = tcp_connect(v4);
  fd_closer c{fd};
  const uint8_t junk[] = {0x00, 0x05, 'h', 'e', 'l', 'l', 'o'};
  ASSERT_EQ(send(fd, junk, sizeof junk, 0), static_cast<ssize_t>(sizeof junk));
  EXPECT_TRUE(closed_within(fd, 1s));
  EXPECT_EQ(srv->total().tcp_errors, 1u);
}

TEST_F(ServerTest, TcpIdleConnectionIsClosed) {
  start(2, 100, 300ms);
  int fd = tcp_connect(v4);
  fd_closer c{fd};
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_within(fd, 2s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 250ms);
  EXPECT_EQ(srv->total().tcp_timeouts, 1u);
}

// Slowloris: bytes that never complete a message do not reset the idle
// timer; the connection closes at the idle timeout after accept.
TEST_F(ServerTest, TcpTricklingClientIsClosedAtIdleTimeout) {
  start(1, 100, 600ms);
  int fd = tcp_connect(v4);
  ASSERT_GE(fd, 0);
  fd_closer c{fd};
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  bytes f = frame(make_query(77));  // 33 bytes: never completed below
  auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  for (size_t i = 0; i < 20 && i < f.size() && !closed; ++i) {
    if (send(fd, &f[i], 1, MSG_NOSIGNAL) != 1) {
      closed = true;
      break;
    }
    closed = closed_within(fd, 150ms);
  }
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(closed) << "a client trickling bytes kept its connection for "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count() << " ms";
  EXPECT_GE(waited, 550ms);
  EXPECT_LT(waited, 1500ms);
  EXPECT_EQ(srv->total().tcp_timeouts, 1u);
}

// A client that completes a message more often than the idle timeout keeps
// its connection however long it stays.
TEST_F(ServerTest, TcpClientCompletingMessagesKeepsItsConnection) {
  start(1, 100, 600ms);
  int fd = tcp_connect(v4);
  ASSERT_GE(fd, 0);
  fd_closer c{fd};
  for (uint16_t id = 1; id <= 8; ++id) {  // 8 x 250 ms: over three idle timeouts
    bytes f = frame(make_query(id));
    ASSERT_EQ(send(fd, f.data(), f.size(), MSG_NOSIGNAL), static_cast<ssize_t>(f.size()));
    bytes m = read_message(fd);
    ASSERT_FALSE(m.empty()) << "closed before query " << id;
    EXPECT_EQ(id_of(m), id);
    std::this_thread::sleep_for(250ms);
  }
  EXPECT_EQ(srv->total().tcp_timeouts, 0u);
}

TEST_F(ServerTest, TcpConnectionsBeyondTheCapAreClosed) {
  start(2, 2);
  int a = tcp_connect(v4), b = tcp_connect(v6);
  fd_closer ca{a}, cb{b};
  // Make sure both are accepted before the third arrives.
  for (int fd : {a, b}) {
    bytes f = frame(make_query(1));
    send(fd, f.data(), f.size(), 0);
    ASSERT_FALSE(read_message(fd).empty());
  }
  EXPECT_EQ(srv->tcp_open(), 2u);
  int x = tcp_connect(v4);
  fd_closer cx{x};
  EXPECT_TRUE(closed_within(x, 1s));
  bytes f = frame(make_query(2));
  send(a, f.data(), f.size(), 0);
  bytes m = read_message(a);
  ASSERT_FALSE(m.empty());
  EXPECT_EQ(id_of(m), 2);
  EXPECT_EQ(srv->total().tcp_refused, 1u);
  ::close(a);
  ca.fd = -1;
  // A closed slot is given back: a new connection works again.
  for (int i = 0; i < 100 && srv->tcp_open() != 1; ++i) std::this_thread::sleep_for(10ms);
  int y = tcp_connect(v4);
  fd_closer cy{y};
  send(y, f.data(), f.size(), 0);
  EXPECT_FALSE(read_message(y).empty());
}

int open_fds() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++n;
    closedir(d);
  }
  return n;
}

// Sockets are closed through the ring: whichever way a connection ends
// (refused over the cap, garbage, idle, peer closed, stop), its socket is
// really closed, and stop leaves no descriptor behind.
TEST_F(ServerTest, EveryClosedConnectionReleasesItsSocket) {
  int before = open_fds();
  start(1, 2, 400ms);
  int serving = open_fds();
  {
    int a = tcp_connect(v4), b = tcp_connect(v4);
    fd_closer ca{a}, cb{b};
    for (int fd : {a, b}) {
      bytes f = frame(make_query(1));
      send(fd, f.data(), f.size(), MSG_NOSIGNAL);
      ASSERT_FALSE(read_message(fd).empty());
    }
    int x = tcp_connect(v4);  // over the cap
    fd_closer cx{x};
    EXPECT_TRUE(closed_within(x, 1s));
    const uint8_t junk[] = {0x00, 0x05, 'h', 'e', 'l', 'l', 'o'};
    send(a, junk, sizeof junk, MSG_NOSIGNAL);
    EXPECT_TRUE(closed_within(a, 1s));
    EXPECT_TRUE(closed_within(b, 2s));  // idle
  }
  {
    int p = tcp_connect(v6);
    ASSERT_GE(p, 0);
    bytes f = frame(make_query(2));
    send(p, f.data(), f.size(), MSG_NOSIGNAL);
    ASSERT_FALSE(read_message(p).empty());
    ::close(p);  // the peer ends it
  }
  // The server's own descriptors: back to what it holds while serving.
  for (int i = 0; i < 100 && (srv->tcp_open() != 0 || open_fds() != serving); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(open_fds(), serving);
  int fd = tcp_connect(v4);  // left open for stop to close
  fd_closer c{fd};
  bytes f = frame(make_query(3));
  send(fd, f.data(), f.size(), MSG_NOSIGNAL);
  ASSERT_FALSE(read_message(fd).empty());
  srv->stop();
  EXPECT_TRUE(closed_within(fd, 500ms));
  shard_stats t = srv->total();
  EXPECT_EQ(t.tcp_accepted, t.tcp_closed);
  srv.reset();
  EXPECT_EQ(open_fds(), before + 1);  // `fd`, the client's own
}

// A reply the kernel refuses to send (here: to source port 0, which
// sendmsg rejects with EINVAL) counts once, as a drop, not as a response.
// Needs a raw socket (CAP_NET_RAW) to send from port 0.
TEST_F(ServerTest, FailedUdpSendCountsOnceAsADrop) {
  int raw = ::socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
  if (raw < 0) GTEST_SKIP() << "no raw socket (CAP_NET_RAW): " << std::strerror(errno);
  fd_closer cr{raw};
  start(1);
  bytes q = make_query(0x4242);
  bytes dgram(sizeof(udphdr) + q.size());
  udphdr h{};
  h.source = 0;  // the reply cannot be addressed
  h.dest = htons(v4.port);
  h.len = htons(static_cast<uint16_t>(dgram.size()));
  h.check = 0;  // no checksum: allowed over IPv4
  std::memcpy(dgram.data(), &h, sizeof h);
  std::memcpy(dgram.data() + sizeof h, q.data(), q.size());
  socklen_t len;
  sockaddr_storage dst = to_addr(v4, len);
  reinterpret_cast<sockaddr_in*>(&dst)->sin_port = 0;
  ASSERT_EQ(sendto(raw, dgram.data(), dgram.size(), 0, reinterpret_cast<sockaddr*>(&dst), len),
            static_cast<ssize_t>(dgram.size()));
  for (int i = 0; i < 100 && srv->total().dropped[0] == 0; ++i) std::this_thread::sleep_for(10ms);
  // A good query after it: its answer is counted as a response.
  ASSERT_FALSE(udp_exchange(v4, make_query(1)).empty());
  shard_stats t = total_after_udp_responses(1);
  EXPECT_EQ(t.queries[0], 2u);
  EXPECT_EQ(t.dropped[0], 1u);
  EXPECT_EQ(t.responses_total(proto::udp), 1u);
}

TEST_F(ServerTest, PublishedSnapshotIsUsedAndOldOneFreed) {
  start();
  ASSERT_EQ(udp_exchange(v4, make_query(1))[3] & 0x0f, 0);
  srv->snapshots().publish(std::make_shared<const zone::snapshot>(3, &destroyed));
  bytes r = udp_exchange(v4, make_query(2));
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[3] & 0x0f, 3);  // NXDOMAIN from the new Snapshot
  // Idle shards are offline: the old Snapshot goes at the next reclaim.
  for (int i = 0; i < 100 && srv->snapshots().reclaim() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(destroyed.load(), 1);
}

// Reloads under load (run under TSan with label tsan): shards keep
// answering from whichever Snapshot is live, and every retired Snapshot is
// freed exactly once, never while a shard may read it.
TEST_F(ServerTest, PublishUnderLoadFreesEverySnapshotOnce) {
  start();
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, bad{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&, t] {
      uint16_t id = static_cast<uint16_t>(t * 10000);
      while (!done.load()) {
        bytes r = udp_exchange(t ? v6 : v4, make_query(++id));
        if (r.empty() || id_of(r) != id || ((r[3] & 0x0f) != 0 && (r[3] & 0x0f) != 3))
          bad.fetch_add(1);
        else
          answered.fetch_add(1);
      }
    });
  }
  constexpr int k_publishes = 200;
  for (int i = 1; i <= k_publishes; ++i) {
    srv->snapshots().publish(
        std::make_shared<const zone::snapshot>(static_cast<uint8_t>(i % 2 ? 3 : 0), &destroyed));
    srv->snapshots().reclaim();
    std::this_thread::sleep_for(2ms);
  }
  done.store(true);
  for (auto& c : clients) c.join();
  srv->stop();
  EXPECT_EQ(srv->snapshots().reclaim(), 0u);
  EXPECT_EQ(destroyed.load(), k_publishes);  // all but the live one
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(answered.load(), 50);
}

TEST_F(ServerTest, ReloadedLimitsApplyWhileServing) {
  start();
  bytes r = udp_exchange(v4, make_query(1, "big"));
  ASSERT_FALSE(r.empty());
  EXPECT_TRUE(r[2] & 0x02);  // 3000 bytes > 1232: TC
  config::server_config cfg;
  cfg.edns_udp_size = 4096;
  srv->apply(cfg);
  r = udp_exchange(v4, make_query(2, "big"));
  ASSERT_FALSE(r.empty());
  EXPECT_FALSE(r[2] & 0x02);
  EXPECT_EQ(r.size(), 3000u);
}

TEST_F(ServerTest, StopIsPromptWithOpenConnections) {
  start();
  int fd = tcp_connect(v4);
  fd_closer c{fd};
  bytes f = frame(make_query(5));
  send(fd, f.data(), f.size(), 0);
  ASSERT_FALSE(read_message(fd).empty());
  auto t0 = std::chrono::steady_clock::now();
  srv->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_TRUE(closed_within(fd, 500ms));
  shard_stats t = srv->total();
  EXPECT_EQ(t.tcp_accepted, t.tcp_closed);
  EXPECT_EQ(srv->tcp_open(), 0u);
}

TEST_F(ServerTest, BindFailsClearlyOnATakenPort) {
  int holder = ::socket(AF_INET, SOCK_DGRAM, 0);
  fd_closer c{holder};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  getsockname(holder, reinterpret_cast<sockaddr*>(&a), &len);
  config::server_config cfg;
  cfg.listen = {ep(AF_INET, "127.0.0.1")};
  cfg.listen[0].port = ntohs(a.sin_port);
  cfg.shards = 1;
  server s(cfg);
  try {
    s.bind();
    FAIL() << "bind succeeded on a taken port";
  } catch (const io_error& e) {
    EXPECT_NE(std::string(e.what()).find("bind UDP 127.0.0.1:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

TEST(ShardCounters, EachShardOnItsOwnCacheLine) {
  EXPECT_EQ(alignof(shard_counters), 64u);
  EXPECT_EQ(sizeof(shard_counters) % 64, 0u);
  shard_counters c;
  c.query(proto::udp);
  c.response(proto::udp, 3, true);
  c.response(proto::tcp, 200, false);  // out of range: last bucket
  shard_stats s = c.read();
  EXPECT_EQ(s.queries[0], 1u);
  EXPECT_EQ(s.responses[0][3], 1u);
  EXPECT_EQ(s.truncated[0], 1u);
  EXPECT_EQ(s.responses[1][k_rcode_buckets - 1], 1u);
  shard_stats sum = s;
  sum += s;
  EXPECT_EQ(sum.responses_total(proto::udp), 2u);
}

}  // namespace
}  // namespace hadns::io
