// engine/core/answering_zone.cc -- see answering_zone.h.
#include "engine/core/answering_zone.h"

#include "engine/core/parse.h"

namespace hadns::core {

const zone::zone_table* answering_zone(const zone::snapshot& snap, const client& from,
                                       std::span<const uint8_t> query) noexcept {
  query_info q;
  if (parse_query(query, q) != parse_status::ok) return nullptr;
  // The same call lookup() makes on the same parsed name.
  const wire::parsed_name& n = q.qname;
  return snap.find_zone(n.lower, n.len, n.label_off, n.labels, from.family, from.addr.data());
}

}  // namespace hadns::core
