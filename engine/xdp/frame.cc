// engine/xdp/frame.cc -- query parsing and reply headers (see frame.h).
#include "engine/xdp/frame.h"

#include <netinet/in.h>

#include <cstring>

#include "engine/wire/reader.h"

namespace hadns::xdp {

namespace {

constexpr uint16_t k_ethertype_ipv4 = 0x0800;
constexpr uint16_t k_ethertype_ipv6 = 0x86dd;
constexpr uint8_t k_proto_udp = 17;
constexpr uint8_t k_ttl = 64;

}  // namespace

uint32_t checksum_add(uint32_t sum, std::span<const uint8_t> data) noexcept {
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += wire::load16(&data[i]);
  if (i < data.size()) sum += static_cast<uint32_t>(data[i]) << 8;
  return sum;
}

uint16_t checksum_fold(uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

bool parse_query(std::span<const uint8_t> f, query_frame& out) noexcept {
  if (f.size() < k_eth_len) return false;
  const uint8_t* p = f.data();
  const uint16_t type = wire::load16(p + 12);
  size_t udp_at = 0;
  size_t ip_end = 0;  // where the IP packet ends, by its own length
  if (type == k_ethertype_ipv4) {
    if (f.size() < k_eth_len + k_ipv4_len + k_udp_len) return false;
    const uint8_t* ip = p + k_eth_len;
    if (ip[0] != 0x45 || ip[9] != k_proto_udp) return false;  // version 4, no options
    if (wire::load16(ip + 6) & 0x3fff) return false;                 // MF or a fragment offset
    ip_end = k_eth_len + wire::load16(ip + 2);
    out.family = AF_INET;
    out.client = {};
    std::memcpy(out.client.data(), ip + 12, 4);
    udp_at = k_eth_len + k_ipv4_len;
  } else if (type == k_ethertype_ipv6) {
    if (f.size() < k_eth_len + k_ipv6_len + k_udp_len) return false;
    const uint8_t* ip = p + k_eth_len;
    if ((ip[0] >> 4) != 6 || ip[6] != k_proto_udp) return false;  // no extension headers
    ip_end = k_eth_len + k_ipv6_len + wire::load16(ip + 4);
    out.family = AF_INET6;
    std::memcpy(out.client.data(), ip + 8, 16);
    udp_at = k_eth_len + k_ipv6_len;
  } else {
    return false;
  }
  // Ethernet may pad short frames: the IP and UDP lengths say where the
  // payload ends.
  const size_t udp_len = wire::load16(p + udp_at + 4);
  if (ip_end > f.size() || udp_len < k_udp_len || udp_at + udp_len > ip_end) return false;
  out.payload_offset = udp_at + k_udp_len;
  out.payload_len = udp_len - k_udp_len;
  return true;
}

size_t write_reply_headers(std::span<const uint8_t> query, const query_frame& q, uint8_t* r,
                           size_t payload_len) noexcept {
  const uint8_t* in = query.data();
  // Ethernet: back to where it came from.
  std::memcpy(r, in + 6, 6);
  std::memcpy(r + 6, in, 6);
  std::memcpy(r + 12, in + 12, 2);
  const size_t udp_len = k_udp_len + payload_len;
  uint8_t* ip = r + k_eth_len;
  const uint8_t* qip = in + k_eth_len;
  uint8_t* udp = nullptr;
  const uint8_t* qudp = nullptr;
  uint32_t pseudo = 0;
  if (q.family == AF_INET) {
    ip[0] = 0x45;
    ip[1] = qip[1] & 0xfc;  // keep DSCP, never echo ECN
    wire::store16(ip + 2, static_cast<uint16_t>(k_ipv4_len + udp_len));
    wire::store16(ip + 4, 0);       // identification: DF is set, so never fragmented
    wire::store16(ip + 6, 0x4000);  // DF
    ip[8] = k_ttl;
    ip[9] = k_proto_udp;
    wire::store16(ip + 10, 0);
    std::memcpy(ip + 12, qip + 16, 4);  // from the address it was sent to
    std::memcpy(ip + 16, qip + 12, 4);
    wire::store16(ip + 10, static_cast<uint16_t>(~checksum_fold(checksum_add(0, {ip, k_ipv4_len}))));
    pseudo = checksum_add(0, {ip + 12, 8});
    udp = ip + k_ipv4_len;
    qudp = qip + k_ipv4_len;
  } else {
    // Version 6, the query's traffic class (ECN cleared), no flow label.
    const uint8_t tclass = static_cast<uint8_t>(((qip[0] & 0x0f) << 4 | qip[1] >> 4) & 0xfc);
    ip[0] = static_cast<uint8_t>(0x60 | tclass >> 4);
    ip[1] = static_cast<uint8_t>(tclass << 4);
    ip[2] = 0;
    ip[3] = 0;
    wire::store16(ip + 4, static_cast<uint16_t>(udp_len));
    ip[6] = k_proto_udp;
    ip[7] = k_ttl;
    std::memcpy(ip + 8, qip + 24, 16);
    std::memcpy(ip + 24, qip + 8, 16);
    pseudo = checksum_add(0, {ip + 8, 32});
    udp = ip + k_ipv6_len;
    qudp = qip + k_ipv6_len;
  }
  std::memcpy(udp, qudp + 2, 2);  // source port: the query's destination
  std::memcpy(udp + 2, qudp, 2);
  wire::store16(udp + 4, static_cast<uint16_t>(udp_len));
  wire::store16(udp + 6, 0);
  pseudo += k_proto_udp + static_cast<uint32_t>(udp_len);
  uint16_t sum = static_cast<uint16_t>(~checksum_fold(checksum_add(pseudo, {udp, udp_len})));
  wire::store16(udp + 6, sum ? sum : 0xffff);  // 0 would mean "no checksum" (and is invalid for IPv6)
  return static_cast<size_t>(udp - r) + udp_len;
}

}  // namespace hadns::xdp
