// engine/core/lookup.cc -- finding the precompiled response (see lookup.h).
#include "engine/core/lookup.h"

namespace hadns::core {

found lookup(const zone::snapshot& snap, const client& from, const wire::parsed_name& n,
             uint16_t qtype) noexcept {
  found f;
  const zone::zone_ref* z =
      snap.find_zone_ref(n.lower, n.len, n.label_off, n.labels, from.family, from.addr.data());
  if (!z) return f;
  if (const zone::entry* e = snap.find_exact(*z, n.lower, n.len, qtype)) {
    f.resp = &snap.response_of(*e);
    return f;
  }
  if (const zone::entry* e = snap.find_exact(*z, n.lower, n.len, 0)) {
    f.resp = &snap.response_of(*e);
    return f;
  }
  // Not in the zone: find the closest encloser (the apex always exists).
  // Names below a cut or a DNAME owner have no entries of their own.
  for (size_t i = 1; i < n.labels; ++i) {
    const uint8_t* p = n.lower + n.label_off[i];
    size_t len = n.len - n.label_off[i];
    if (len < z->origin_len) break;
    const zone::entry* ce = snap.find_exact(*z, p, len, 0);
    if (!ce) continue;
    if (ce->flags & zone::k_entry_delegation) {
      f.resp = &snap.response_at(ce->aux);
      return f;
    }
    if (ce->flags & zone::k_entry_dname) {
      f.dname_rule = snap.bytes() + ce->aux;
      f.owner_off = n.label_off[i];
      return f;
    }
    if (ce->flags & zone::k_entry_wildcard_parent) {
      const zone::entry* w = snap.find(*z, p, len, qtype + zone::k_wildcard_seed, qtype,
                                       zone::k_entry_wildcard);
      if (!w) w = snap.find(*z, p, len, zone::k_wildcard_seed, 0, zone::k_entry_wildcard);
      if (w) {
        f.resp = &snap.response_of(*w);
        return f;
      }
    }
    break;
  }
  f.resp = &snap.response_at(z->nxdomain);
  return f;
}

}  // namespace hadns::core
