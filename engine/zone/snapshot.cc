// engine/zone/snapshot.cc -- zone choice by client address and origin, and
// the Snapshot builder (see snapshot.h, snapshot_builder.h).
#include "engine/zone/snapshot.h"

// XXH3 inlined into the lookup path (no call into the shared library).
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "engine/zone/snapshot_builder.h"

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

const zone_table* snapshot::find_zone(const uint8_t* name, size_t len, const uint8_t* label_off,
                                      size_t labels, int family,
                                      const uint8_t* addr) const noexcept {
  // An IPv4-mapped IPv6 source matches as IPv4.
  static constexpr uint8_t k_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (family == 10 /* AF_INET6 */ && std::memcmp(addr, k_mapped, 12) == 0) {
    family = 2; /* AF_INET */
    addr += 12;
  }
  for (size_t i = 0; i <= labels; ++i) {
    size_t off = i < labels ? label_off[i] : len - 1;
    size_t slen = len - off;
    for (uint32_t k = origin_begin_[slen]; k < origin_end_[slen]; ++k) {
      const origin_group& g = origins_[k];
      if (std::memcmp(bytes_.data() + g.name, name + off, slen) != 0) continue;
      for (const view_prefix& p : g.privates)
        if (prefix_matches(p, family, addr)) return &zones_[p.zone];
      if (g.public_zone >= 0) return &zones_[static_cast<size_t>(g.public_zone)];
      // A private-only zone answers nobody else (design.md: "others get
      // REFUSED"), not even through a public parent zone: falling back to
      // the parent would hand out an authoritative NXDOMAIN for the whole
      // private subtree, which resolvers would cache.
      return nullptr;
    }
  }
  return nullptr;
}

size_t snapshot::memory_bytes() const noexcept {
  return entries_.capacity() * sizeof(entry) + bytes_.capacity() +
         marks_.capacity() * sizeof(rrset_mark) + fixups_.capacity() * sizeof(uint16_t);
}

uint32_t snapshot_builder::add_name(std::span<const uint8_t> name) {
  auto off = static_cast<uint32_t>(snap_->bytes_.size());
  snap_->bytes_.append(name.data(), name.size());
  return off;
}

uint32_t snapshot_builder::align4() {
  pod_array<uint8_t>& a = snap_->bytes_;
  a.resize((a.size() + 3) & ~size_t{3});
  if (a.size() > 0xFFFF0000u) throw std::length_error("Snapshot larger than 4 GiB");
  return static_cast<uint32_t>(a.size());
}

uint32_t snapshot_builder::add_response(const body& b) {
  snapshot& s = *snap_;
  uint32_t off = align4();
  response r;
  r.body = off + static_cast<uint32_t>(sizeof(response));
  r.body_len = static_cast<uint16_t>(b.bytes.size());
  std::copy(b.count, b.count + 3, r.count);
  r.rcode = b.rcode;
  r.aa = b.aa;
  r.tmpl_qlen = b.tmpl_qlen;
  r.marks = static_cast<uint32_t>(s.marks_.size());
  r.nmarks = static_cast<uint16_t>(b.marks.size());
  r.fix = static_cast<uint32_t>(s.fixups_.size());
  r.nfix = static_cast<uint16_t>(b.fixups.size());
  s.bytes_.resize(s.bytes_.size() + sizeof(response), false);
  new (s.bytes_.data() + off) response(r);
  s.bytes_.append(b.bytes.data(), b.bytes.size());
  s.marks_.append(b.marks.data(), b.marks.size());
  s.fixups_.append(b.fixups.data(), b.fixups.size());
  return off;
}

uint32_t snapshot_builder::add_variants(const std::array<uint32_t, live::k_slot_states>& offs) {
  uint32_t off = align4();
  for (uint32_t o : offs) {
    uint8_t b[4];
    std::memcpy(b, &o, 4);
    snap_->bytes_.append(b, 4);
  }
  return off;
}

uint32_t snapshot_builder::add_slot(std::shared_ptr<live::failover_slot> slot) {
  snap_->slots_.push_back(slot.get());
  snap_->slot_owners_.push_back(std::move(slot));
  return static_cast<uint32_t>(snap_->slots_.size() - 1);
}

namespace {

// Load factor <= 0.75.
size_t table_capacity(size_t entries) {
  size_t cap = 8;
  while (cap < entries + entries / 3 + 1) cap *= 2;
  return cap;
}

}  // namespace

void snapshot_builder::begin_zone(size_t expected_entries) {
  snapshot& s = *snap_;
  size_t cap = table_capacity(expected_entries);
  if (s.entries_.size() + cap > 0xFFFFFFFFu) throw std::length_error("Snapshot too large");
  zone_first_ = static_cast<uint32_t>(s.entries_.size());
  zone_mask_ = static_cast<uint32_t>(cap - 1);
  zone_count_ = 0;
  s.entries_.reserve(s.entries_.size() + cap);
  s.entries_.resize(s.entries_.size() + cap);  // zeroed: hash 0 = empty bucket
}

void snapshot_builder::place(const entry& d, bool check_duplicate) {
  snapshot& s = *snap_;
  entry* base = s.entries_.data() + zone_first_;
  uint32_t i = static_cast<uint32_t>(d.hash) & zone_mask_;
  while (base[i].hash != 0) {
    const entry& o = base[i];
    if (check_duplicate && o.hash == d.hash && o.type == d.type && o.name_len == d.name_len &&
        (o.flags & k_entry_wildcard) == (d.flags & k_entry_wildcard) &&
        std::memcmp(s.bytes_.data() + o.name, s.bytes_.data() + d.name, d.name_len) == 0)
      throw std::logic_error("duplicate precompiled entry");
    i = (i + 1) & zone_mask_;
  }
  base[i] = d;
}

// Doubles the current zone's table (the estimate was short).
void snapshot_builder::grow_table() {
  snapshot& s = *snap_;
  size_t cap = size_t{zone_mask_} + 1;
  pod_array<entry> old;
  old.append(s.entries_.data() + zone_first_, cap);
  s.entries_.resize(zone_first_);
  s.entries_.resize(size_t{zone_first_} + 2 * cap);
  zone_mask_ = static_cast<uint32_t>(2 * cap - 1);
  for (const entry& e : old)
    if (e.hash != 0) place(e, false);
}

void snapshot_builder::flush_pending() {
  for (; pending_count_ > 0; --pending_count_) {
    place(pending_[pending_head_], true);
    pending_head_ = (pending_head_ + 1) % k_pending;
  }
  pending_head_ = 0;
}

void snapshot_builder::add_entry(const entry_spec& e) {
  if (zone_count_ + 1 + (zone_count_ + 1) / 3 + 1 > size_t{zone_mask_} + 1) {
    flush_pending();
    grow_table();
  }
  snapshot& s = *snap_;
  uint64_t seed = e.type + ((e.flags & k_entry_wildcard) ? k_wildcard_seed : 0);
  entry d;
  d.hash = snapshot::hash(s.bytes_.data() + e.name, e.name_len, seed) | 1;
  d.name = e.name;
  d.name_len = e.name_len;
  d.flags = e.flags;
  d.type = e.type;
  d.resp = e.resp;
  d.aux = e.aux;
  __builtin_prefetch(s.entries_.data() + zone_first_ + (static_cast<uint32_t>(d.hash) & zone_mask_), 1);
  if (pending_count_ == k_pending) {  // the oldest goes in; its bucket is cached by now
    place(pending_[pending_head_], true);
    pending_[pending_head_] = d;
    pending_head_ = (pending_head_ + 1) % k_pending;
  } else {
    pending_[(pending_head_ + pending_count_++) % k_pending] = d;
  }
  ++zone_count_;
}

uint32_t snapshot_builder::end_zone(std::span<const uint8_t> origin, std::string origin_text,
                                    std::string view, uint32_t nxdomain) {
  flush_pending();
  snapshot& s = *snap_;
  zone_table z;
  z.first = zone_first_;
  z.mask = zone_mask_;
  z.nxdomain = nxdomain;
  z.origin = add_name(origin);
  z.origin_len = static_cast<uint8_t>(origin.size());
  z.origin_text = std::move(origin_text);
  z.view = std::move(view);
  s.zones_.push_back(std::move(z));
  return static_cast<uint32_t>(s.zones_.size() - 1);
}

void snapshot_builder::add_view(std::span<const uint8_t> origin,
                                const std::vector<config::prefix>& prefixes, uint32_t zone) {
  snapshot& s = *snap_;
  origin_group* g = nullptr;
  for (auto& o : s.origins_)
    if (o.len == origin.size() &&
        std::memcmp(s.bytes_.data() + o.name, origin.data(), origin.size()) == 0)
      g = &o;
  if (!g) {
    origin_group n;
    n.name = add_name(origin);
    n.len = static_cast<uint8_t>(origin.size());
    s.origins_.push_back(std::move(n));
    g = &s.origins_.back();
  }
  if (prefixes.empty()) {
    g->public_zone = static_cast<int32_t>(zone);
    return;
  }
  for (const config::prefix& p : prefixes) {
    view_prefix v;
    v.family = p.family;
    v.addr = p.addr;
    v.length = p.length;
    v.zone = zone;
    g->privates.push_back(v);
  }
}

std::shared_ptr<const snapshot> snapshot_builder::finish() {
  snapshot& s = *snap_;
  s.entries_.shrink_to_fit();
  s.bytes_.shrink_to_fit();
  s.marks_.shrink_to_fit();
  s.fixups_.shrink_to_fit();
  std::stable_sort(s.origins_.begin(), s.origins_.end(),
                   [](const origin_group& a, const origin_group& b) { return a.len > b.len; });
  for (auto& g : s.origins_)
    std::stable_sort(g.privates.begin(), g.privates.end(),
                     [](const view_prefix& a, const view_prefix& b) { return a.length > b.length; });
  s.origin_begin_.fill(0);
  s.origin_end_.fill(0);
  for (uint32_t k = 0; k < s.origins_.size(); ++k) {
    uint8_t len = s.origins_[k].len;
    if (s.origin_end_[len] == 0) s.origin_begin_[len] = k;
    s.origin_end_[len] = k + 1;
  }
  return std::move(snap_);
}

}  // namespace hadns::zone
