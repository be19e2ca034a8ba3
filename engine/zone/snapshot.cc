// engine/zone/snapshot.cc -- what the packet path asks of a Snapshot: the
// zone for a question name and a client (see snapshot.h). Builds nothing and
// allocates nothing; the builder is in snapshot_builder.cc.
#include "engine/zone/snapshot.h"

// XXH3 inlined into the lookup path (no call into the shared library).
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>

namespace hadns::zone {
namespace {

bool prefix_matches(const view_prefix& p, int family, const uint8_t* addr) noexcept {
  if (p.family != family) return false;
  int full = p.length / 8, rest = p.length % 8;
  if (std::memcmp(p.addr.data(), addr, static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (addr[full] & mask) == p.addr[static_cast<size_t>(full)];
}

}  // namespace

uint64_t snapshot::hash(const uint8_t* name, size_t len, uint64_t seed) noexcept {
  return XXH3_64bits_withSeed(name, len, seed);
}

int32_t snapshot::choose_zone(const uint8_t* name, size_t len, const uint8_t* label_off,
                              size_t labels, int family, const uint8_t* addr,
                              const zone_ref*& hot) const noexcept {
  // An IPv4-mapped IPv6 source matches as IPv4.
  static constexpr uint8_t k_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (family == 10 /* AF_INET6 */ && std::memcmp(addr, k_mapped, 12) == 0) {
    family = 2; /* AF_INET */
    addr += 12;
  }
  // Suffixes from the whole name down to the root: the first origin found
  // is the closest enclosing one.
  for (size_t i = 0; i <= labels; ++i) {
    size_t off = i < labels ? label_off[i] : len - 1;
    size_t slen = len - off;
    if (!(origin_lengths_[slen >> 6] >> (slen & 63) & 1)) continue;
    const uint8_t* suffix = name + off;
    uint64_t h = hash(suffix, slen, k_origin_seed) | 1;
    const origin_group* g = nullptr;
    for (uint32_t k = static_cast<uint32_t>(h) & origin_mask_;; k = (k + 1) & origin_mask_) {
      const origin_slot& s = origin_table_[k];
      if (s.hash == 0) break;
      if (s.hash != h || s.len != slen) continue;
      const uint8_t* origin = slen <= k_inline_origin ? s.name : bytes_.data() + origins_[s.group].name;
      if (std::memcmp(origin, suffix, slen) != 0) continue;
      if (s.only_public) {
        hot = &s.zone;
        return s.public_zone;
      }
      g = &origins_[s.group];
      break;
    }
    if (!g) continue;
    for (const view_prefix& p : g->privates)
      if (prefix_matches(p, family, addr)) return static_cast<int32_t>(p.zone);
    // A private-only zone answers nobody else (design.md: "others get
    // REFUSED"), not even through a public parent zone: falling back to
    // the parent would hand out an authoritative NXDOMAIN for the whole
    // private subtree, which resolvers would cache.
    return g->public_zone;
  }
  return -1;
}

size_t snapshot::memory_bytes() const noexcept {
  return entries_.capacity() * sizeof(entry) + bytes_.capacity() +
         marks_.capacity() * sizeof(rrset_mark) + fixups_.capacity() * sizeof(uint16_t) +
         origin_table_.capacity() * sizeof(origin_slot);
}

}  // namespace hadns::zone
