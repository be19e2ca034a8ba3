// engine/wire/name.h -- domain names on the wire (RFC 1035 3.1, 4.1.4).
//
// The question name is read into a caller's fixed buffer, lower-cased
// (RFC 4343) while it is copied, with the offset of every label recorded so
// that the lookup can walk up to parent names without re-parsing. Names in
// other records are only skipped (compression pointers allowed, bounded).
// No allocation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/wire/reader.h"

namespace hadns::wire {

inline constexpr size_t k_max_name = 255;
inline constexpr size_t k_max_labels = 128;

inline constexpr uint8_t to_lower(uint8_t c) noexcept {
  return static_cast<uint8_t>(c - 'A') < 26 ? static_cast<uint8_t>(c | 0x20) : c;
}

// A lower-cased uncompressed wire name and where each label starts:
// label_off[0] = 0 (the whole name), label_off[labels-1] = the last
// non-root label. The root name has labels == 0 and len == 1.
struct parsed_name {
  uint8_t len = 0;
  uint8_t labels = 0;
  uint8_t label_off[k_max_labels];
  uint8_t lower[k_max_name];
};

// Reads an uncompressed name at r's position. A compression pointer, an
// extended label type or a name over 255 bytes fails `r` and returns false.
bool read_question_name(reader& r, parsed_name& out) noexcept;

// Skips a name that may end in a compression pointer.
bool skip_name(reader& r) noexcept;

// Length of the uncompressed wire name at p (at most `max` bytes), 0 if it
// is not a well-formed uncompressed name.
size_t name_length(const uint8_t* p, size_t max) noexcept;

// The RDATA names that responses may compress (RFC 3597 section 4 keeps
// compression to the RFC 1035 types): `count` names back to back from
// `offset` (count 0: none). The compiler compresses exactly these; the
// packet core finds them again when it moves a precompiled body.
struct rdata_names {
  uint8_t offset = 0;
  uint8_t count = 0;
};
inline constexpr rdata_names compressible_names(uint16_t type) noexcept {
  switch (type) {
    case 2:   // NS
    case 5:   // CNAME
    case 12:  // PTR
      return {0, 1};
    case 15:  // MX: preference, exchange
      return {2, 1};
    case 6:   // SOA: mname, rname
      return {0, 2};
    default:
      return {0, 0};
  }
}

// Case-insensitive equality of two uncompressed wire names of length len.
bool name_equal(const uint8_t* a, const uint8_t* b, size_t len) noexcept;

}  // namespace hadns::wire
