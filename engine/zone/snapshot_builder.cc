// engine/zone/snapshot_builder.cc -- assembling a Snapshot at compile time
// (see snapshot_builder.h): bytes, zones and their hash tables, and the
// origin table that find_zone() probes.
#include "engine/zone/snapshot_builder.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace hadns::zone {

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
  auto [it, fresh] = origin_index_.try_emplace(std::string(origin.begin(), origin.end()),
                                               static_cast<uint32_t>(s.origins_.size()));
  if (fresh) {
    origin_group n;
    n.name = add_name(origin);
    n.len = static_cast<uint8_t>(origin.size());
    s.origins_.push_back(std::move(n));
  }
  origin_group& g = s.origins_[it->second];
  if (prefixes.empty()) {
    g.public_zone = static_cast<int32_t>(zone);
    return;
  }
  for (const config::prefix& p : prefixes) {
    view_prefix v;
    v.family = p.family;
    v.addr = p.addr;
    v.length = p.length;
    v.zone = zone;
    g.privates.push_back(v);
  }
}

void snapshot_builder::build_origin_table() {
  snapshot& s = *snap_;
  size_t cap = 2;
  while (cap < 2 * s.origins_.size()) cap *= 2;
  s.origin_table_.assign(cap, origin_slot{});  // hash 0 = empty bucket
  s.origin_mask_ = static_cast<uint32_t>(cap - 1);
  s.origin_lengths_.fill(0);
  for (uint32_t k = 0; k < s.origins_.size(); ++k) {
    const origin_group& g = s.origins_[k];
    const uint8_t* name = s.bytes_.data() + g.name;
    origin_slot o;
    o.hash = snapshot::hash(name, g.len, k_origin_seed) | 1;
    o.group = k;
    o.public_zone = g.public_zone;
    o.len = g.len;
    o.only_public = g.privates.empty() && g.public_zone >= 0;
    if (o.only_public) o.zone = s.zones_[static_cast<size_t>(g.public_zone)];
    if (g.len <= k_inline_origin) std::memcpy(o.name, name, g.len);
    uint32_t i = static_cast<uint32_t>(o.hash) & s.origin_mask_;
    while (s.origin_table_[i].hash != 0) i = (i + 1) & s.origin_mask_;
    s.origin_table_[i] = o;
    s.origin_lengths_[g.len >> 6] |= uint64_t{1} << (g.len & 63);
  }
}

std::shared_ptr<const snapshot> snapshot_builder::finish() {
  snapshot& s = *snap_;
  s.entries_.shrink_to_fit();
  s.bytes_.shrink_to_fit();
  s.marks_.shrink_to_fit();
  s.fixups_.shrink_to_fit();
  for (auto& g : s.origins_)
    std::stable_sort(g.privates.begin(), g.privates.end(),
                     [](const view_prefix& a, const view_prefix& b) { return a.length > b.length; });
  build_origin_table();
  return std::move(snap_);
}

}  // namespace hadns::zone
