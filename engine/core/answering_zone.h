// engine/core/answering_zone.h -- which zone (and so which view) answers a
// query for a client, for the operator (GET /explain): the packet core's own
// parse and zone choice, so the explanation cannot drift from the answer.
//
// Not on the hot path (answer() finds the zone itself), but as pure as it:
// no allocation, no locks, no syscalls.
#pragma once

#include <cstdint>
#include <span>

#include "engine/core/answer.h"
#include "engine/zone/snapshot.h"

namespace hadns::core {

// The zone answer() looks the question of `query` (a whole DNS message) up
// in for `from`; nullptr when the message does not parse or no zone this
// client sees holds the name (the core then answers FORMERR, NOTIMP or
// REFUSED). A question answer() refuses before any lookup (a class other
// than IN, a meta type) still names its zone here; the rcode says the rest.
const zone::zone_table* answering_zone(const zone::snapshot& snap, const client& from,
                                       std::span<const uint8_t> query) noexcept;

}  // namespace hadns::core
