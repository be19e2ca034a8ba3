// engine/zone/zone_model.cc -- zone file + failover entries -> node table
// (see zone_model.h).
#include "engine/zone/zone_model.h"

#include <algorithm>
#include <stdexcept>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "engine/wire/header.h"
#include "engine/zone/record_table.h"
#include "engine/zone/zone_checks.h"

namespace hadns::zone {
namespace {

std::string allow_text(const config::zone_config& z) {
  std::string t;
  for (const auto& p : z.allow_from) {
    if (!t.empty()) t += ",";
    t += p.text;
  }
  return t;
}

uint64_t name_hash(name_view n) { return XXH3_64bits(n.data(), n.size()); }

// Builds the node table for `expected` nodes (load factor <= 0.5).
void init_table(zone_model& z, size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap <<= 1;
  z.table.assign(cap, {});
  z.mask = static_cast<uint32_t>(cap - 1);
}

void grow_table(zone_model& z) {
  pod_array<zone_model::slot> old = std::move(z.table);
  init_table(z, old.size());
  for (const auto& s : old) {
    if (s.node == 0) continue;
    uint64_t h = name_hash(z.name(z.nodes[s.node - 1]));
    for (uint32_t i = static_cast<uint32_t>(h) & z.mask;; i = (i + 1) & z.mask)
      if (z.table[i].node == 0) {
        z.table[i] = s;
        break;
      }
  }
}

// The node of `name` (lower-cased, hash `h`), created if new.
uint32_t node_at(zone_model& z, name_view name, uint64_t h) {
  if ((z.nodes.size() + 1) * 2 > z.table.size()) grow_table(z);
  auto tag = static_cast<uint32_t>(h >> 32);
  uint32_t i = static_cast<uint32_t>(h) & z.mask;
  for (;; i = (i + 1) & z.mask) {
    const zone_model::slot& s = z.table[i];
    if (s.node == 0) break;
    if (s.tag != tag) continue;
    const node& n = z.nodes[s.node - 1];
    if (n.name_len == name.size() && std::memcmp(z.names.data() + n.name, name.data(), name.size()) == 0)
      return s.node - 1;
  }
  if (z.names.size() + name.size() > 0xFFFFFFFFu || z.nodes.size() >= 0xFFFFFFFEu)
    throw std::length_error("zone too large");
  node n;
  n.name = static_cast<uint32_t>(z.names.size());
  n.name_len = static_cast<uint8_t>(name.size());
  z.names.append(name.data(), name.size());
  z.nodes.push_back(n);
  z.table[i] = {static_cast<uint32_t>(z.nodes.size()), tag};
  return static_cast<uint32_t>(z.nodes.size() - 1);
}
uint32_t node_at(zone_model& z, name_view name) { return node_at(z, name, name_hash(name)); }

uint16_t file_index(zone_model& z, const std::string& file) {
  for (size_t i = 0; i < z.files.size(); ++i)
    if (z.files[i] == file) return static_cast<uint16_t>(i);
  if (z.files.size() > 0xFFFF) throw std::length_error("more than 65535 zone files");
  z.files.push_back(file);
  return static_cast<uint16_t>(z.files.size() - 1);
}

void append_rdata(zone_model& z, std::span<const uint8_t> rd) {
  if (z.rdata.size() + rd.size() + 2 > 0xFFFFFFFFu) throw std::length_error("zone too large");
  auto len = static_cast<uint16_t>(rd.size());
  uint8_t b[2];
  std::memcpy(b, &len, 2);
  z.rdata.append(b, 2);
  z.rdata.append(rd.data(), rd.size());
}

// Groups the file's records into RR sets: nodes in order of first
// appearance, each node's sets contiguous and sorted by type, each set's
// RDATA in file order (duplicates were dropped by the loader).
void add_records(zone_model& z, const record_table& t) {
  const size_t n = t.rows.size();
  // Generous reservations: room never written is never resident.
  z.names.reserve(2 * t.names.size() + 256);
  z.rdata.reserve(t.rdata.size() + 2 * n + 4096);
  z.nodes.reserve(2 * n + 16);
  init_table(z, n + 16);
  for (const std::string& f : t.files) z.files.push_back(f);

  pod_array<uint32_t> row_node;
  row_node.resize(n, false);
  uint32_t last_owner = k_none;
  uint8_t last_len = 0;
  uint32_t last_node = 0;
  // Owner hashes run k_ahead rows ahead, their buckets prefetched, so that
  // the cache misses of a large table overlap.
  constexpr size_t k_ahead = 16;
  uint64_t ahead[k_ahead];
  auto hash_at = [&](size_t i) {
    uint64_t h = name_hash(t.owner(t.rows[i]));
    __builtin_prefetch(&z.table[static_cast<uint32_t>(h) & z.mask]);
    ahead[i % k_ahead] = h;
  };
  for (size_t i = 0; i < n && i < k_ahead; ++i) hash_at(i);
  for (size_t i = 0; i < n; ++i) {
    const record_row& r = t.rows[i];
    uint64_t h = ahead[i % k_ahead];
    if (i + k_ahead < n) hash_at(i + k_ahead);
    if (r.owner != last_owner || r.owner_len != last_len) {
      last_node = node_at(z, t.owner(r), h);
      last_owner = r.owner;
      last_len = r.owner_len;
    }
    row_node[i] = last_node;
  }
  // Counting sort of the rows by node (stable: file order kept per node).
  pod_array<uint32_t> start;
  start.resize(z.nodes.size() + 1);
  for (uint32_t k : row_node) ++start[k + 1];
  for (size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  pod_array<uint32_t> order;
  order.resize(n, false);
  {
    pod_array<uint32_t> pos;
    pos.append(start.data(), start.size() - 1);
    for (size_t i = 0; i < n; ++i) order[pos[row_node[i]]++] = static_cast<uint32_t>(i);
  }
  pod_array<uint32_t>().swap(row_node);
  z.sets.reserve(n + 16);
  auto by_type = [&t](uint32_t a, uint32_t b) { return t.rows[a].type < t.rows[b].type; };
  for (size_t k = 0; k + 1 < start.size(); ++k) {
    uint32_t* b = order.data() + start[k];
    uint32_t* e = order.data() + start[k + 1];
    if (b == e) continue;
    if (e - b > 1 && !std::is_sorted(b, e, by_type)) std::stable_sort(b, e, by_type);
    node& nd = z.nodes[k];
    nd.sets = static_cast<uint32_t>(z.sets.size());
    for (uint32_t* p = b; p < e;) {
      const record_row& first = t.rows[*p];
      rr_set s;
      s.type = first.type;
      s.ttl = first.ttl;
      s.file = first.file;
      s.line = first.line;
      s.rdata = static_cast<uint32_t>(z.rdata.size());
      for (; p < e && t.rows[*p].type == s.type; ++p) {
        append_rdata(z, t.data(t.rows[*p]));
        ++s.count;
      }
      z.sets.push_back(s);
      ++nd.nsets;
    }
  }
}

rr_set side_set(zone_model& z, const config::zone_config& zc, const config::failover_record& f,
                const std::string& owner, const config::failover_side& side,
                const std::string& key) {
  std::vector<record> recs;
  try {
    recs = parse_values(zc.origin, owner, f.type, f.ttl, side.values);
  } catch (const std::exception& e) {
    throw config::config_error(side.pos.file.empty() ? f.pos.file : side.pos.file,
                               side.pos.line ? side.pos.line : f.pos.line, key + ".values",
                               e.what());
  }
  rr_set s;
  s.type = f.qtype;
  s.ttl = f.ttl;
  s.file = file_index(z, f.pos.file);
  s.line = f.pos.line;
  s.rdata = static_cast<uint32_t>(z.rdata.size());
  std::vector<const std::vector<uint8_t>*> kept;
  for (const record& r : recs) {
    if (std::any_of(kept.begin(), kept.end(), [&](auto* k) { return *k == r.rdata; })) continue;
    kept.push_back(&r.rdata);
    append_rdata(z, r.rdata);
    ++s.count;
  }
  if (s.count == 0)
    throw config::config_error(f.pos.file, f.pos.line, key + ".values", "at least one value expected");
  return s;
}

void apply_failover(zone_model& z, const config::zone_config& zc, size_t zi,
                    live::live_table& table, std::vector<compile_slot>& slots) {
  for (size_t j = 0; j < zc.failover.size(); ++j) {
    const config::failover_record& f = zc.failover[j];
    std::string key = "zones[" + std::to_string(zi) + "].failover[" + std::to_string(j) + "]";
    auto fail = [&](const std::string& sub, const std::string& msg) {
      throw config::config_error(f.pos.file, f.pos.line, key + sub, msg);
    };
    wire_name owner;
    std::string text = f.name;
    try {
      // Absolute with a trailing dot, or relative to the origin.
      if (text == "@") text = zc.origin;
      else if (text.empty() || text.back() != '.') text += "." + zc.origin;
      owner = lower_name(name_from_text(text));
    } catch (const std::exception& e) {
      fail(".name", e.what());
    }
    if (!is_subdomain(owner, z.origin)) fail(".name", "a name inside " + zc.origin + " expected");
    uint16_t type = f.qtype ? f.qtype : type_from_name(f.type);
    if (type == 0) fail(".type", "a record type expected, got " + f.type);
    if (type == wire::k_type_dname)
      fail(".type", "DNAME cannot be a failover type (it would change which names exist)");
    if (is_dnssec_type(type))
      fail(".type", f.type + " cannot be a failover type (signed zones are not served yet)");
    if (wire::is_meta_type(type)) fail(".type", "a data type expected, got " + f.type);
    // At or below a delegation (the apex is not one).
    for (name_view p = owner; p.size() > z.origin.size(); p = parent_of(p)) {
      const node* n = z.find(p);
      const rr_set* ns = n ? z.set(*n, wire::k_type_ns) : nullptr;
      if (ns)
        fail(".name", "a failover name cannot be at or below the delegation " +
                          name_to_text(p.data(), p.size()) + " (" + z.file(*ns) + ":" +
                          std::to_string(ns->line) + ")");
    }
    // Below a DNAME (the apex included): the name would never be answered.
    for (name_view p = parent_of(owner); p.size() >= z.origin.size() && p.size() < owner.size();
         p = parent_of(p)) {
      const node* n = z.find(p);
      const rr_set* dn = n ? z.set(*n, wire::k_type_dname) : nullptr;
      if (dn)
        fail(".name", "a failover name cannot be below the DNAME at " +
                          name_to_text(p.data(), p.size()) + " (" + z.file(*dn) + ":" +
                          std::to_string(dn->line) + "), which redirects every name under it");
      if (p.size() == z.origin.size()) break;
    }
    uint32_t ni = node_at(z, owner);
    {
      const node& n = z.nodes[ni];
      if (const rr_set* s = z.set(n, type))
        fail(".name", f.name + " " + f.type + " also has a static RR set in the zone file (" +
                          z.file(*s) + ":" + std::to_string(s->line) + ")");
      bool has_cname = z.set(n, wire::k_type_cname) || z.failover_of(n, wire::k_type_cname);
      bool has_other = false;
      for (const rr_set& s : z.sets_of(n)) has_other |= s.type != wire::k_type_cname;
      for (uint32_t i = n.failover; i != k_none; i = z.failover[i].next)
        has_other |= z.failover[i].primary.type != wire::k_type_cname;
      if ((type == wire::k_type_cname && has_other) || (type != wire::k_type_cname && has_cname))
        fail(".type", "CNAME cannot be beside other data at " + f.name);
    }

    failover_set fs;
    fs.primary = side_set(z, zc, f, text, f.primary, key + ".primary");
    fs.secondary = side_set(z, zc, f, text, f.secondary, key + ".secondary");
    fs.primary.type = fs.secondary.type = type;
    compile_slot cs;
    cs.binding.key = live::slot_key{zc.origin, allow_text(zc), name_to_text(owner.data(), owner.size()), type};
    cs.binding.slot = table.slot_for(cs.binding.key);
    cs.binding.primary_check = f.primary.health_check;
    cs.binding.secondary_check = f.secondary.health_check;
    cs.binding.failback_delay = f.failback_delay;
    cs.binding.both_unhealthy = static_cast<live::both_unhealthy_policy>(f.both_unhealthy);
    cs.record = &f;
    cs.key_path = key;
    fs.slot = static_cast<uint32_t>(slots.size());
    slots.push_back(std::move(cs));
    // Keep each node's failover sets sorted by type.
    auto idx = static_cast<uint32_t>(z.failover.size());
    z.failover.push_back(fs);
    uint32_t* link = &z.nodes[ni].failover;
    while (*link != k_none && z.failover[*link].primary.type < type) link = &z.failover[*link].next;
    z.failover[idx].next = *link;
    *link = idx;
  }
}

}  // namespace

const node* zone_model::find(name_view name) const {
  if (table.empty()) return nullptr;
  uint64_t h = name_hash(name);
  auto tag = static_cast<uint32_t>(h >> 32);
  for (uint32_t i = static_cast<uint32_t>(h) & mask;; i = (i + 1) & mask) {
    const slot& s = table[i];
    if (s.node == 0) return nullptr;
    if (s.tag != tag) continue;
    const node& n = nodes[s.node - 1];
    if (n.name_len == name.size() && std::memcmp(names.data() + n.name, name.data(), name.size()) == 0)
      return &n;
  }
}

wire_name parent_name(const wire_name& name) {
  if (name.empty() || name[0] == 0) return name;
  return wire_name(name.begin() + 1 + name[0], name.end());
}

bool is_subdomain(name_view name, name_view origin) {
  if (name.size() < origin.size()) return false;
  size_t off = name.size() - origin.size();
  if (!std::equal(origin.begin(), origin.end(), name.begin() + static_cast<long>(off))) return false;
  size_t i = 0;  // the suffix must start at a label boundary
  while (i < off) i += 1 + name[i];
  return i == off;
}

zone_model build_zone_model(const config::config& cfg, size_t index, live::live_table& table,
                            std::vector<compile_slot>& slots) {
  const config::zone_config& zc = cfg.zones[index];
  zone_model z;
  z.index = index;
  z.cfg = &zc;
  z.view = zc.allow_from.empty() ? "public" : allow_text(zc);
  std::string key = "zones[" + std::to_string(index) + "]";
  try {
    z.origin = lower_name(name_from_text(zc.origin));
  } catch (const std::exception& e) {
    throw config::config_error(zc.pos.file, zc.pos.line, key + ".origin", e.what());
  }
  {
    record_table records;
    try {
      records = load_zone_table(zc.file, zc.origin);
    } catch (const zone_file_error& e) {
      // A file that cannot be read has no line of its own: name the
      // config entry that points at it.
      if (e.line() == 0) throw config::config_error(zc.pos.file, zc.pos.line, key + ".file", e.message());
      throw config::config_error(e.file(), e.line(), key + ".file", e.message());
    } catch (const std::exception& e) {
      throw config::config_error(zc.pos.file, zc.pos.line, key + ".file", e.what());
    }
    try {
      check_unsigned(records);
    } catch (const zone_file_error& e) {
      throw config::config_error(e.file(), e.line(), key + ".file", e.message());
    }
    z.record_count = records.rows.size();
    add_records(z, records);
  }  // the record table is freed here
  const node* apex = z.find(z.origin);
  if (!apex || !z.set(*apex, wire::k_type_soa))
    throw config::config_error(zc.file, 1, key + ".file", "the zone has no SOA at " + zc.origin);
  apply_failover(z, zc, index, table, slots);

  // Empty non-terminals, delegations, occlusion, wildcard parents.
  const size_t named = z.nodes.size();
  for (size_t i = 0; i < named; ++i)
    if (!is_subdomain(z.name(z.nodes[i]), z.origin))
      throw config::config_error(zc.file, 1, key + ".file", "data outside " + zc.origin);
  // Walking up from each name stops at the first parent that exists: its
  // own ancestors exist already or are added by its own walk.
  uint8_t buf[256];
  for (size_t i = 0; i < named; ++i) {
    name_view own = z.name(z.nodes[i]);
    std::memcpy(buf, own.data(), own.size());
    name_view name(buf, own.size());
    for (name_view p = parent_of(name); p.size() >= z.origin.size(); p = parent_of(p)) {
      if (z.find(p)) break;
      node_at(z, p);
      if (p.size() == z.origin.size()) break;
    }
  }
  bool any_delegation = false;
  for (node& n : z.nodes) {
    n.delegation = n.name_len > z.origin.size() && z.set(n, wire::k_type_ns);
    // A DNAME at a wildcard owner redirects nothing (RFC 4592 4.4).
    bool wild = n.name_len > 2 && z.names[n.name] == 1 && z.names[n.name + 1] == '*';
    n.dname = !n.delegation && !wild && z.set(n, wire::k_type_dname);
    any_delegation |= n.delegation || n.dname;
  }
  for (size_t i = 0; i < named; ++i) {
    name_view own = z.name(z.nodes[i]);
    if (own.size() > 2 && own[0] == 1 && own[1] == '*') {
      std::memcpy(buf, own.data(), own.size());
      z.nodes[node_at(z, parent_of(name_view(buf, own.size())))].wildcard_parent = true;
    }
  }
  if (any_delegation)
    for (node& n : z.nodes)
      for (name_view p = parent_of(z.name(n)); p.size() >= z.origin.size() && p.size() < n.name_len;
           p = parent_of(p)) {
        const node* a = z.find(p);
        if (a && (a->delegation || a->dname)) {
          n.occluded = true;
          break;
        }
        if (p.size() == z.origin.size()) break;
      }
  z.soa = z.set(*z.find(z.origin), wire::k_type_soa);
  return z;
}

}  // namespace hadns::zone
