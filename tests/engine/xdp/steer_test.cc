// tests/engine/xdp/steer_test.cc -- the XDP steering program run by the
// kernel on crafted frames (BPF_PROG_TEST_RUN): only UDP to a listen
// address+port is redirected to the queue's AF_XDP socket; TCP, ARP,
// fragments, IP options, IPv6 extension headers and other ports pass to
// the kernel. Needs root (CAP_BPF); skipped with the reason otherwise.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "engine/xdp/steer_object.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif

namespace hadns::xdp {
namespace {

struct v4_key {
  uint32_t addr;
  uint16_t port;
  uint16_t pad;
};
struct v6_key {
  uint8_t addr[16];
  uint16_t port;
  uint16_t pad;
};

class Steer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (CAP_BPF) to load an XDP program";
    bpf_object_open_opts opts{};
    opts.sz = sizeof opts;
    obj_ = bpf_object__open_mem(steer_object().data(), steer_object().size(), &opts);
    ASSERT_NE(obj_, nullptr);
    int rc = bpf_object__load(obj_);
    if (rc == -EPERM) GTEST_SKIP() << "bpf() not permitted here: " << std::strerror(-rc);
    ASSERT_EQ(rc, 0) << std::strerror(-rc);
    prog_ = bpf_program__fd(bpf_object__find_program_by_name(obj_, "hadns_steer"));
    ASSERT_GE(prog_, 0);
    // An unbound AF_XDP socket in queue 0's slot makes the redirect succeed
    // (XDP_REDIRECT) without sending anything anywhere.
    xsk_ = socket(AF_XDP, SOCK_RAW, 0);
    ASSERT_GE(xsk_, 0) << std::strerror(errno);
    uint32_t q = 0;
    ASSERT_EQ(bpf_map_update_elem(map("xsks"), &q, &xsk_, BPF_ANY), 0) << std::strerror(errno);
    const uint8_t one = 1;
    v4_key k4{};
    inet_pton(AF_INET, "10.0.0.2", &k4.addr);
    k4.port = htons(5300);
    ASSERT_EQ(bpf_map_update_elem(map("listen_v4"), &k4, &one, BPF_ANY), 0);
    k4 = {};
    k4.port = htons(5399);  // 0.0.0.0:5399
    ASSERT_EQ(bpf_map_update_elem(map("listen_v4"), &k4, &one, BPF_ANY), 0);
    v6_key k6{};
    inet_pton(AF_INET6, "fd00::2", k6.addr);
    k6.port = htons(5300);
    ASSERT_EQ(bpf_map_update_elem(map("listen_v6"), &k6, &one, BPF_ANY), 0);
  }
  void TearDown() override {
    if (xsk_ >= 0) close(xsk_);
    if (obj_) bpf_object__close(obj_);
  }

  int map(const char* name) { return bpf_object__find_map_fd_by_name(obj_, name); }

  // The program's verdict on `frame`.
  uint32_t run(std::vector<uint8_t> frame) {
    bpf_test_run_opts o{};
    o.sz = sizeof o;
    o.data_in = frame.data();
    o.data_size_in = static_cast<uint32_t>(frame.size());
    o.repeat = 1;
    int rc = bpf_prog_test_run_opts(prog_, &o);
    EXPECT_EQ(rc, 0) << std::strerror(errno);
    return o.retval;
  }

  bpf_object* obj_ = nullptr;
  int prog_ = -1;
  int xsk_ = -1;
};

std::vector<uint8_t> ether(uint16_t type) {
  std::vector<uint8_t> f(14, 0);
  f[0] = 0x02;
  f[6] = 0x02;
  f[12] = static_cast<uint8_t>(type >> 8);
  f[13] = static_cast<uint8_t>(type);
  return f;
}

std::vector<uint8_t> udp_tail(uint16_t dport, uint8_t proto = 17) {
  std::vector<uint8_t> t(20 + 12, 0);  // a UDP or TCP header's first bytes and some payload
  t[0] = 0xc0;
  t[2] = static_cast<uint8_t>(dport >> 8);
  t[3] = static_cast<uint8_t>(dport);
  t[4] = 0;
  t[5] = proto == 17 ? 20 : 0;
  return t;
}

std::vector<uint8_t> v4(const char* dst, uint16_t dport, uint8_t proto = 17, uint16_t frag = 0, bool options = false) {
  auto f = ether(0x0800);
  std::vector<uint8_t> ip(options ? 24 : 20, 0);
  ip[0] = options ? 0x46 : 0x45;
  ip[2] = 0;
  ip[3] = static_cast<uint8_t>(ip.size() + 32);
  ip[6] = static_cast<uint8_t>(frag >> 8);
  ip[7] = static_cast<uint8_t>(frag);
  ip[8] = 64;
  ip[9] = proto;
  inet_pton(AF_INET, "10.0.0.1", &ip[12]);
  inet_pton(AF_INET, dst, &ip[16]);
  f.insert(f.end(), ip.begin(), ip.end());
  auto t = udp_tail(dport, proto);
  f.insert(f.end(), t.begin(), t.end());
  return f;
}

std::vector<uint8_t> v6(const char* dst, uint16_t dport, uint8_t next = 17) {
  auto f = ether(0x86dd);
  std::vector<uint8_t> ip(40, 0);
  ip[0] = 0x60;
  ip[5] = 32;
  ip[6] = next;
  ip[7] = 64;
  inet_pton(AF_INET6, "fd00::1", &ip[8]);
  inet_pton(AF_INET6, dst, &ip[24]);
  f.insert(f.end(), ip.begin(), ip.end());
  auto t = udp_tail(dport);
  f.insert(f.end(), t.begin(), t.end());
  return f;
}

TEST_F(Steer, RedirectsUdpToAListenAddressAndPort) {
  EXPECT_EQ(run(v4("10.0.0.2", 5300)), XDP_REDIRECT);
  EXPECT_EQ(run(v6("fd00::2", 5300)), XDP_REDIRECT);
  EXPECT_EQ(run(v4("10.9.9.9", 5399)), XDP_REDIRECT) << "a wildcard listen address";
}

TEST_F(Steer, PassesEverythingElseToTheKernel) {
  EXPECT_EQ(run(v4("10.0.0.2", 5301)), XDP_PASS) << "another port";
  EXPECT_EQ(run(v4("10.0.0.3", 5300)), XDP_PASS) << "another address";
  EXPECT_EQ(run(v6("fd00::3", 5300)), XDP_PASS) << "another IPv6 address";
  EXPECT_EQ(run(v6("fd00::2", 5301)), XDP_PASS) << "another IPv6 port";
  EXPECT_EQ(run(v4("10.0.0.2", 5300, 6)), XDP_PASS) << "TCP";
  EXPECT_EQ(run(v4("10.0.0.2", 5300, 17, 0x2000)), XDP_PASS) << "a first fragment";
  EXPECT_EQ(run(v4("10.0.0.2", 5300, 17, 0x0003)), XDP_PASS) << "a later fragment";
  EXPECT_EQ(run(v4("10.0.0.2", 5300, 17, 0, true)), XDP_PASS) << "IP options";
  EXPECT_EQ(run(v6("fd00::2", 5300, 0)), XDP_PASS) << "an IPv6 extension header";
  EXPECT_EQ(run(v6("fd00::2", 5300, 58)), XDP_PASS) << "ICMPv6 (neighbour discovery)";
  auto arp = ether(0x0806);
  arp.resize(60, 0);
  EXPECT_EQ(run(arp), XDP_PASS) << "ARP";
  auto runt = v4("10.0.0.2", 5300);
  runt.resize(14 + 20 + 4);
  EXPECT_EQ(run(runt), XDP_PASS) << "a UDP header cut short";
}

}  // namespace
}  // namespace hadns::xdp
