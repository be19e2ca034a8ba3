// engine/wire/header.h -- the DNS message header (RFC 1035 4.1.1): field
// offsets, flag bits, opcodes, rcodes and the types the engine treats
// specially.
//
//                                 1  1  1  1  1  1
//   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |                      ID                       |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
//  |          QDCOUNT / ANCOUNT / NSCOUNT / ARCOUNT |
//  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
#pragma once

#include <cstdint>

#include "engine/wire/reader.h"

namespace hadns::wire {

inline constexpr size_t k_header_size = 12;
inline constexpr size_t k_off_id = 0;
inline constexpr size_t k_off_flags = 2;
inline constexpr size_t k_off_qdcount = 4;
inline constexpr size_t k_off_ancount = 6;
inline constexpr size_t k_off_nscount = 8;
inline constexpr size_t k_off_arcount = 10;

// Flag bits of the 16-bit flags word.
inline constexpr uint16_t k_flag_qr = 0x8000;
inline constexpr uint16_t k_flag_aa = 0x0400;
inline constexpr uint16_t k_flag_tc = 0x0200;
inline constexpr uint16_t k_flag_rd = 0x0100;
inline constexpr uint16_t k_flag_ra = 0x0080;
inline constexpr uint16_t k_flag_ad = 0x0020;
inline constexpr uint16_t k_flag_cd = 0x0010;

inline constexpr uint16_t opcode_of(uint16_t flags) noexcept { return (flags >> 11) & 0xF; }
inline constexpr uint16_t k_opcode_query = 0;

enum rcode : uint16_t {
  k_noerror = 0,
  k_formerr = 1,
  k_servfail = 2,
  k_nxdomain = 3,
  k_notimp = 4,
  k_refused = 5,
  k_yxdomain = 6,  // RFC 6672 2.2: a DNAME substitution longer than 255 bytes
  k_badvers = 16,  // extended: low 4 bits in the header, high 8 in OPT
};

enum rr_type : uint16_t {
  k_type_a = 1,
  k_type_ns = 2,
  k_type_cname = 5,
  k_type_soa = 6,
  k_type_ptr = 12,
  k_type_mx = 15,
  k_type_txt = 16,
  k_type_aaaa = 28,
  k_type_srv = 33,
  k_type_dname = 39,
  k_type_opt = 41,
  k_type_ds = 43,
  k_type_ixfr = 251,
  k_type_axfr = 252,
  k_type_any = 255,
};
inline constexpr uint16_t k_class_in = 1;

// Meta and query-only types (RFC 6895 3.1): OPT and 128..255. ANY is one of
// them but is answered (RFC 8482); the rest are refused.
inline constexpr bool is_meta_type(uint16_t t) noexcept {
  return t == k_type_opt || (t >= 128 && t <= 255);
}

inline uint16_t get16(const uint8_t* msg, size_t off) noexcept { return load16(msg + off); }
inline void set16(uint8_t* msg, size_t off, uint16_t v) noexcept { store16(msg + off, v); }

}  // namespace hadns::wire
