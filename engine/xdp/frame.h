// engine/xdp/frame.h -- Ethernet/IPv4/IPv6/UDP framing for the AF_XDP front
// end: find the DNS payload of a query frame, and write a reply frame's
// headers (addresses and ports swapped, IPv4 header checksum, full UDP
// checksum) in front of a payload already in place.
//
// Pure functions over caller-owned bytes: no syscall, no allocation. The
// UDP checksum is always computed in full, never updated incrementally: on
// veth (and with any TX checksum offload) a query's UDP checksum field holds
// only a pseudo-header seed, so an incremental update would be wrong.
//
//   Ethernet (14) | IPv4 (20, no options) or IPv6 (40) | UDP (8) | DNS
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include <sys/socket.h>

namespace hadns::xdp {

inline constexpr size_t k_eth_len = 14;
inline constexpr size_t k_ipv4_len = 20;
inline constexpr size_t k_ipv6_len = 40;
inline constexpr size_t k_udp_len = 8;

struct query_frame {
  int family = 0;                  // AF_INET or AF_INET6
  std::array<uint8_t, 16> client{};  // source address, network order
  size_t payload_offset = 0;
  size_t payload_len = 0;
};

// Bytes in front of the DNS payload for `family`.
constexpr size_t header_len(int family) noexcept {
  return k_eth_len + (family == AF_INET6 ? k_ipv6_len : k_ipv4_len) + k_udp_len;
}

// Whether `frame` is an IPv4 (no options, not fragmented) or IPv6 (no
// extension headers) UDP packet with a payload that fits its lengths; fills
// `out`. Anything else is false (the XDP program should not have sent it).
bool parse_query(std::span<const uint8_t> frame, query_frame& out) noexcept;

// Writes the reply's Ethernet, IP and UDP headers at the start of `reply`,
// whose payload (payload_len bytes) is already at header_len(q.family).
// `query` is the frame parse_query() accepted. Returns the frame length.
size_t write_reply_headers(std::span<const uint8_t> query, const query_frame& q, uint8_t* reply,
                           size_t payload_len) noexcept;

// The Internet checksum (RFC 1071) of `data`, folded, not inverted, added
// to `sum`.
uint32_t checksum_add(uint32_t sum, std::span<const uint8_t> data) noexcept;
uint16_t checksum_fold(uint32_t sum) noexcept;

}  // namespace hadns::xdp
