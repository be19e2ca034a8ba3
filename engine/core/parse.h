// engine/core/parse.h -- phase 1 of answer(): the query, read with bounded
// cursors into a fixed-size query_info (the lower-cased question name lives
// in it, on the caller's stack). No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/wire/edns.h"
#include "engine/wire/name.h"

namespace hadns::core {

enum class parse_status : uint8_t {
  ok,
  drop,      // shorter than a header, or QR=1: no answer at all
  formerr,   // readable header, broken message
  notimp,    // an opcode other than QUERY
};

struct query_info {
  uint16_t id = 0;
  uint16_t flags = 0;
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  const uint8_t* question = nullptr;  // the client's question bytes (name, type, class)
  uint16_t question_len = 0;          // 0 when no question can be echoed
  wire::edns_info edns;
  wire::parsed_name qname;
};

parse_status parse_query(std::span<const uint8_t> packet, query_info& q) noexcept;

}  // namespace hadns::core
