// engine/core/answer.h -- the packet core: one pure function from a query to
// a response.
//
// answer() parses the question, finds the precompiled response in the
// Snapshot, copies it out, echoes the client's question bytes (their letter
// case kept), patches ID and flags, truncates to the client's UDP limit on
// RR-set boundaries and appends OPT when the query had one.
//
// It makes no syscall, takes no lock, allocates nothing and reads no clock:
// any front end (io_uring shards, an AF_XDP or DPDK frame loop, a fuzzer)
// calls it on its own buffers. Safe to call from any number of threads at
// once on the same Snapshot.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace hadns::zone { class snapshot; }

namespace hadns::core {

enum class transport : uint8_t { udp, tcp };

struct client {
  int family = 0;                   // AF_INET or AF_INET6 (IPv4-mapped IPv6 is matched as IPv4)
  std::array<uint8_t, 16> addr{};   // network order
  transport proto = transport::udp;
  uint16_t max_udp = 1232;          // server.edns_udp_size
};

enum class action : uint8_t { drop, reply };

struct result {
  action act = action::drop;
  uint16_t size = 0;                // bytes written to `out` when act == reply
  uint8_t rcode = 0;                // for counters (BADVERS counts as its full 12-bit value's low bits + ext)
  bool truncated = false;
};

// `out` must hold at least 65535 bytes for TCP, or max_udp bytes for UDP
// (never less than 512).
result answer(const zone::snapshot& snap, const client& from,
              std::span<const uint8_t> query, std::span<uint8_t> out) noexcept;

}  // namespace hadns::core
