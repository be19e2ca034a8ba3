// engine/core/lookup.cc -- finding the precompiled response (see lookup.h).
#include "engine/core/lookup.h"

namespace hadns::core {

const zone::response* lookup(const zone::snapshot& snap, const client& from,
                             const query_info& q) noexcept {
  const wire::parsed_name& n = q.qname;
  const zone::zone_ref* z =
      snap.find_zone_ref(n.lower, n.len, n.label_off, n.labels, from.family, from.addr.data());
  if (!z) return nullptr;
  if (const zone::entry* e = snap.find_exact(*z, n.lower, n.len, q.qtype))
    return &snap.response_of(*e);
  if (const zone::entry* e = snap.find_exact(*z, n.lower, n.len, 0))
    return &snap.response_of(*e);
  // Not in the zone: find the closest encloser (the apex always exists).
  for (size_t i = 1; i < n.labels; ++i) {
    const uint8_t* p = n.lower + n.label_off[i];
    size_t len = n.len - n.label_off[i];
    if (len < z->origin_len) break;
    const zone::entry* ce = snap.find_exact(*z, p, len, 0);
    if (!ce) continue;
    if (ce->flags & zone::k_entry_delegation) return &snap.response_at(ce->aux);
    if (ce->flags & zone::k_entry_wildcard_parent) {
      const zone::entry* w = snap.find(*z, p, len, q.qtype + zone::k_wildcard_seed, q.qtype,
                                       zone::k_entry_wildcard);
      if (!w) w = snap.find(*z, p, len, zone::k_wildcard_seed, 0, zone::k_entry_wildcard);
      if (w) return &snap.response_of(*w);
    }
    break;
  }
  return &snap.response_at(z->nxdomain);
}

}  // namespace hadns::core
