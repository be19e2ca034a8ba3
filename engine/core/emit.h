// engine/core/emit.h -- phase 3 of answer(): the response bytes.
//
// Header and the client's own question bytes (their letter case kept), then
// the precompiled body, cut on RR-set boundaries to the size limit, with
// shared bodies' compression pointers moved for the question's length, and
// OPT last when the query had one. Writes only inside `out`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/core/answer.h"
#include "engine/core/parse.h"
#include "engine/zone/snapshot.h"

namespace hadns::core {

// The largest response this client may get over its transport.
size_t size_limit(const client& from, const query_info& q, size_t out_size) noexcept;

// A precompiled response. Returns the result (size 0 and drop if even the
// header and question do not fit, which a conforming `out` never causes).
result emit_response(const zone::snapshot& snap, const zone::response& r, const query_info& q,
                     size_t limit, uint16_t max_udp, std::span<uint8_t> out) noexcept;

// How much of a precompiled body fits in `room` bytes: whole RR sets only,
// answer and authority all or nothing (`empty`: they did not fit, so the
// reply is TC=1 with empty sections), then as many additional sets as fit
// (TC when required glue is left out).
struct body_fit {
  size_t keep = 0;
  uint16_t count[3] = {0, 0, 0};
  bool tc = false;
  bool empty = false;
};
body_fit fit_body(const zone::snapshot& snap, const zone::response& r, size_t room) noexcept;

// Moves a shared body's compression pointers (copied to `body`, `keep`
// bytes) for a question name of `qlen` bytes.
void move_shared_pointers(const zone::snapshot& snap, const zone::response& r, uint8_t* body,
                          size_t keep, size_t qlen) noexcept;

// Appends OPT at `size` when the query had one and writes the header
// (QDCOUNT 1); returns the reply.
result finish_reply(const query_info& q, std::span<uint8_t> out, size_t size, uint16_t rcode,
                    bool aa, bool tc, const uint16_t count[3], uint16_t max_udp) noexcept;

// A response with no records: `rcode` (BADVERS included), the question if
// `with_question`, OPT if the query had a valid one.
result emit_empty(uint16_t rcode, bool aa, const query_info& q, bool with_question,
                  std::span<uint8_t> out, uint16_t max_udp) noexcept;

}  // namespace hadns::core
