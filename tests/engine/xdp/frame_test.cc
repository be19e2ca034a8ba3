// tests/engine/xdp/frame_test.cc -- query frames parsed and reply headers
// written byte for byte: addresses and ports swapped, lengths, the IPv4
// header checksum and a full UDP checksum (also when the query's checksum
// field holds only veth's pseudo-header seed).
#include <gtest/gtest.h>

#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "engine/xdp/frame.h"

namespace hadns::xdp {
namespace {

const uint8_t k_client_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t k_server_mac[6] = {0x02, 0, 0, 0, 0, 0x02};
const uint8_t k_payload[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0};

uint16_t get16(const std::vector<uint8_t>& f, size_t at) { return static_cast<uint16_t>(f[at] << 8 | f[at + 1]); }

std::vector<uint8_t> ipv4_query(uint8_t ihl_byte = 0x45, uint16_t frag = 0, uint8_t proto = 17) {
  std::vector<uint8_t> f(k_eth_len + k_ipv4_len + k_udp_len);
  std::memcpy(&f[0], k_server_mac, 6);
  std::memcpy(&f[6], k_client_mac, 6);
  f[12] = 0x08;
  f[13] = 0x00;
  uint8_t* ip = &f[14];
  ip[0] = ihl_byte;
  ip[1] = 0x2b;  // DSCP 10, ECN 3
  const uint16_t total = static_cast<uint16_t>(k_ipv4_len + k_udp_len + sizeof k_payload);
  ip[2] = total >> 8;
  ip[3] = total & 0xff;
  ip[6] = frag >> 8;
  ip[7] = frag & 0xff;
  ip[8] = 64;
  ip[9] = proto;
  const uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};
  std::memcpy(ip + 12, src, 4);
  std::memcpy(ip + 16, dst, 4);
  uint8_t* udp = ip + 20;
  udp[0] = 0xc0;  // source port 49153
  udp[1] = 0x01;
  udp[2] = 0x14;  // destination port 5300
  udp[3] = 0xb4;
  const uint16_t ulen = static_cast<uint16_t>(k_udp_len + sizeof k_payload);
  udp[4] = ulen >> 8;
  udp[5] = ulen & 0xff;
  udp[6] = 0xab;  // a seed, not a checksum (veth's CHECKSUM_PARTIAL)
  udp[7] = 0xcd;
  f.insert(f.end(), k_payload, k_payload + sizeof k_payload);
  return f;
}

std::vector<uint8_t> ipv6_query(uint8_t next = 17) {
  std::vector<uint8_t> f(k_eth_len + k_ipv6_len + k_udp_len);
  std::memcpy(&f[0], k_server_mac, 6);
  std::memcpy(&f[6], k_client_mac, 6);
  f[12] = 0x86;
  f[13] = 0xdd;
  uint8_t* ip = &f[14];
  ip[0] = 0x60;
  const uint16_t plen = static_cast<uint16_t>(k_udp_len + sizeof k_payload);
  ip[4] = plen >> 8;
  ip[5] = plen & 0xff;
  ip[6] = next;
  ip[7] = 64;
  ip[8] = 0xfd;
  ip[23] = 1;  // fd00::1
  ip[24] = 0xfd;
  ip[39] = 2;  // fd00::2
  uint8_t* udp = ip + 40;
  udp[0] = 0xc0;
  udp[1] = 0x01;
  udp[2] = 0x14;
  udp[3] = 0xb4;
  udp[4] = plen >> 8;
  udp[5] = plen & 0xff;
  f.insert(f.end(), k_payload, k_payload + sizeof k_payload);
  return f;
}

// Whether the UDP checksum of `frame` verifies (RFC 768: the sum over
// pseudo-header, header and data is all ones).
bool udp_checksum_ok(const std::vector<uint8_t>& f, int family) {
  const size_t ip = k_eth_len;
  const size_t udp = ip + (family == AF_INET ? k_ipv4_len : k_ipv6_len);
  const size_t ulen = get16(f, udp + 4);
  uint32_t sum = 0;
  if (family == AF_INET)
    sum = checksum_add(0, {&f[ip + 12], 8});
  else
    sum = checksum_add(0, {&f[ip + 8], 32});
  sum += 17 + static_cast<uint32_t>(ulen);
  sum = checksum_add(sum, {&f[udp], ulen});
  return checksum_fold(sum) == 0xffff;
}

std::vector<uint8_t> reply_to(const std::vector<uint8_t>& query, const query_frame& q) {
  std::vector<uint8_t> r(2048);
  const uint8_t answer[] = {0x12, 0x34, 0x85, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xee};
  std::memcpy(&r[header_len(q.family)], answer, sizeof answer);
  r.resize(write_reply_headers(query, q, r.data(), sizeof answer));
  return r;
}

TEST(QueryFrame, FindsTheIpv4PayloadAndClient) {
  auto f = ipv4_query();
  f.resize(f.size() + 5, 0);  // Ethernet padding is not payload
  query_frame q;
  ASSERT_TRUE(parse_query(f, q));
  EXPECT_EQ(q.family, AF_INET);
  EXPECT_EQ(q.client[0], 10);
  EXPECT_EQ(q.client[3], 1);
  EXPECT_EQ(q.payload_offset, 42u);
  EXPECT_EQ(q.payload_len, sizeof k_payload);
}

TEST(QueryFrame, FindsTheIpv6PayloadAndClient) {
  auto f = ipv6_query();
  query_frame q;
  ASSERT_TRUE(parse_query(f, q));
  EXPECT_EQ(q.family, AF_INET6);
  EXPECT_EQ(q.client[0], 0xfd);
  EXPECT_EQ(q.client[15], 1);
  EXPECT_EQ(q.payload_offset, 62u);
  EXPECT_EQ(q.payload_len, sizeof k_payload);
}

TEST(QueryFrame, RefusesWhatTheKernelMustHandle) {
  query_frame q;
  EXPECT_FALSE(parse_query(ipv4_query(0x46), q)) << "IP options";
  EXPECT_FALSE(parse_query(ipv4_query(0x45, 0x2000), q)) << "more fragments";
  EXPECT_FALSE(parse_query(ipv4_query(0x45, 0x0010), q)) << "a fragment offset";
  EXPECT_FALSE(parse_query(ipv4_query(0x45, 0, 6), q)) << "TCP";
  EXPECT_FALSE(parse_query(ipv6_query(0), q)) << "an IPv6 extension header";
  auto arp = ipv4_query();
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(parse_query(arp, q)) << "ARP";
  auto cut = ipv4_query();
  cut.resize(cut.size() - 3);
  EXPECT_FALSE(parse_query(cut, q)) << "shorter than its IP length";
  auto bad_udp = ipv4_query();
  bad_udp[14 + 20 + 5] = 4;  // UDP length below its header
  EXPECT_FALSE(parse_query(bad_udp, q));
  EXPECT_FALSE(parse_query(std::vector<uint8_t>(10), q));
}

TEST(ReplyFrame, Ipv4HeadersAreSwappedWithValidChecksums) {
  auto f = ipv4_query();
  query_frame q;
  ASSERT_TRUE(parse_query(f, q));
  auto r = reply_to(f, q);
  ASSERT_EQ(r.size(), 42u + 14u);
  EXPECT_EQ(0, std::memcmp(&r[0], k_client_mac, 6));
  EXPECT_EQ(0, std::memcmp(&r[6], k_server_mac, 6));
  EXPECT_EQ(get16(r, 12), 0x0800);
  EXPECT_EQ(r[14], 0x45);
  EXPECT_EQ(r[15], 0x28) << "DSCP kept, ECN not echoed";
  EXPECT_EQ(get16(r, 16), 20 + 8 + 14);
  EXPECT_EQ(get16(r, 20), 0x4000) << "DF, no fragment";
  EXPECT_EQ(r[23], 17);
  EXPECT_EQ(0, std::memcmp(&r[26], &f[30], 4)) << "from the query's destination";
  EXPECT_EQ(0, std::memcmp(&r[30], &f[26], 4)) << "to the query's source";
  EXPECT_EQ(checksum_fold(checksum_add(0, {&r[14], 20})), 0xffff) << "IPv4 header checksum";
  EXPECT_EQ(get16(r, 34), 5300);
  EXPECT_EQ(get16(r, 36), 49153);
  EXPECT_EQ(get16(r, 38), 8 + 14);
  EXPECT_NE(get16(r, 40), 0);
  EXPECT_TRUE(udp_checksum_ok(r, AF_INET));
  EXPECT_EQ(r.back(), 0xee);
}

TEST(ReplyFrame, Ipv6HeadersAreSwappedWithAUdpChecksum) {
  auto f = ipv6_query();
  query_frame q;
  ASSERT_TRUE(parse_query(f, q));
  auto r = reply_to(f, q);
  ASSERT_EQ(r.size(), 62u + 14u);
  EXPECT_EQ(0, std::memcmp(&r[0], k_client_mac, 6));
  EXPECT_EQ(get16(r, 12), 0x86dd);
  EXPECT_EQ(r[14] >> 4, 6);
  EXPECT_EQ(get16(r, 18), 8 + 14);
  EXPECT_EQ(r[20], 17);
  EXPECT_EQ(0, std::memcmp(&r[22], &f[38], 16));
  EXPECT_EQ(0, std::memcmp(&r[38], &f[22], 16));
  EXPECT_EQ(get16(r, 54), 5300);
  EXPECT_EQ(get16(r, 56), 49153);
  EXPECT_NE(get16(r, 60), 0) << "IPv6 UDP always has a checksum";
  EXPECT_TRUE(udp_checksum_ok(r, AF_INET6));
}

TEST(ReplyFrame, OddLengthPayloadChecksums) {
  auto f = ipv4_query();
  query_frame q;
  ASSERT_TRUE(parse_query(f, q));
  std::vector<uint8_t> r(2048);
  for (size_t len : {1u, 13u, 511u, 1232u}) {
    for (size_t i = 0; i < len; ++i) r[header_len(AF_INET) + i] = static_cast<uint8_t>(i * 7 + 3);
    std::vector<uint8_t> out(r.begin(), r.begin() + static_cast<long>(write_reply_headers(f, q, r.data(), len)));
    EXPECT_TRUE(udp_checksum_ok(out, AF_INET)) << len;
  }
}

}  // namespace
}  // namespace hadns::xdp
