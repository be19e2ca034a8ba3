// engine/wire/edns.h -- the EDNS0 OPT pseudo-record (RFC 6891 6.1).
//
//   NAME  root (0)          CLASS  requestor's UDP payload size
//   TYPE  OPT (41)          TTL    EXTENDED-RCODE(8) VERSION(8) DO(1) Z(15)
//   RDLEN + options
//
// Parses the OPT of a query and writes the OPT of a response. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/wire/header.h"
#include "engine/wire/reader.h"
#include "engine/wire/writer.h"

namespace hadns::wire {

inline constexpr size_t k_opt_size = 11;  // an OPT without options
inline constexpr uint32_t k_edns_do = 0x8000;

struct edns_info {
  bool present = false;
  uint8_t version = 0;
  bool do_bit = false;
  uint16_t udp_size = 0;
};

// Reads the fixed part and the options of an OPT record whose owner name
// and TYPE have already been read (r is at CLASS). Returns false when the
// record or its options are malformed (options must tile RDATA exactly).
bool read_opt_body(reader& r, edns_info& out) noexcept;

// Writes an OPT without options.
inline void write_opt(writer& w, uint16_t udp_size, uint16_t ext_rcode, uint8_t version,
                      bool do_bit) noexcept {
  if (!w.need(k_opt_size)) return;
  w.u8(0);
  w.u16(k_type_opt);
  w.u16(udp_size);
  w.u32((uint32_t(ext_rcode >> 4) << 24) | (uint32_t(version) << 16) | (do_bit ? k_edns_do : 0));
  w.u16(0);
}

}  // namespace hadns::wire
