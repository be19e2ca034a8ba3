// engine/zone/precompile.cc -- responses per name, type and slot state
// (see precompile.h).
#include "engine/zone/precompile.h"

#include <algorithm>
#include <functional>
#include <set>

#include "engine/wire/header.h"
#include "engine/wire/name.h"

namespace hadns::zone {
namespace {

// Which variant is being compiled, and which slot the answer turned out to
// depend on.
struct variant {
  live::slot_state state = live::slot_state::primary;
  int slot = -1;
};

struct resolution {
  enum kind_t { none, exact, wildcard, delegation, nxdomain } kind = none;
  const zone_model* zone = nullptr;
  const node* n = nullptr;
};

wire_name wildcard_of(const wire_name& parent) {
  wire_name w(parent.size() + 2);
  w[0] = 1;
  w[1] = '*';
  std::copy(parent.begin(), parent.end(), w.begin() + 2);
  return w;
}

// Where `name` leads inside zone `z`, as the packet core would find it.
resolution resolve_in(const zone_model& z, const wire_name& name) {
  resolution r;
  r.zone = &z;
  if (!is_subdomain(name, z.origin)) return r;
  for (wire_name p = name;; p = parent_name(p)) {
    if (const node* n = z.find(p)) {
      if (n->delegation || n->occluded) {
        wire_name c = p;  // walk up to the cut
        const node* cut = n;
        while (!cut->delegation) {
          c = parent_name(c);
          cut = z.find(c);
        }
        r.kind = resolution::delegation;
        r.n = cut;
      } else if (p.size() == name.size()) {
        r.kind = resolution::exact;
        r.n = n;
      } else if (n->wildcard_parent) {
        r.kind = resolution::wildcard;
        r.n = z.find(wildcard_of(p));
      } else {
        r.kind = resolution::nxdomain;
      }
      return r;
    }
    if (p.size() <= z.origin.size()) return r;
  }
}

uint32_t soa_min_ttl(const rr_set& soa) {
  const auto& rd = soa.rdatas.front();
  uint32_t minimum = rd.size() >= 4 ? wire::load32(rd.data() + rd.size() - 4) : 0;
  return std::min(soa.ttl, minimum);
}

class zone_compiler {
 public:
  zone_compiler(compile_world& w, size_t zi, snapshot_builder& out)
      : world_(w), z_(w.zones[zi]), out_(out) {}

  precompiled_zone run();

 private:
  const rr_set* get(const node& n, uint16_t type, variant& v);
  resolution resolve_target(const zone_model& from, const wire_name& name) const;
  void add_negative(encoder& e, const zone_model& z);
  void add_additional(encoder& e, const zone_model& z, const rr_set& set);
  body answer(const node& n, uint16_t qtype, bool shared, variant& v);
  body referral(const node& cut, const wire_name& qname, bool shared);
  uint32_t variants(const std::function<body(variant&)>& build, uint32_t& aux);
  std::set<uint16_t> chain_end_types(const node& n);
  void compile_node(const node& n, precompiled_zone& pz);

  compile_world& world_;
  const zone_model& z_;
  snapshot_builder& out_;
  uint32_t nodata_ = 0;
};

const rr_set* zone_compiler::get(const node& n, uint16_t type, variant& v) {
  if (auto it = n.sets.find(type); it != n.sets.end()) return &it->second;
  auto it = n.failover.find(type);
  if (it == n.failover.end()) return nullptr;
  int slot = static_cast<int>(it->second.slot);
  if (v.slot >= 0 && v.slot != slot) {
    const compile_slot& a = world_.slots[static_cast<size_t>(v.slot)];
    const compile_slot& b = world_.slots[static_cast<size_t>(slot)];
    throw config::config_error(b.record->pos.file, b.record->pos.line, b.key_path,
                               "an answer would depend on two failover record sets: " +
                                   a.binding.key.text() + " (" + a.key_path + ") and " +
                                   b.binding.key.text() + " (" + b.key_path + ")");
  }
  v.slot = slot;
  return v.state == live::slot_state::secondary ? &it->second.secondary : &it->second.primary;
}

// A chain continues into another zone only if every client sees that zone:
// the target's closest origin has a single, public zone.
resolution resolve_target(const compile_world& w, const zone_model& from, const wire_name& name) {
  const zone_model* best = nullptr;
  size_t count = 0;
  for (const zone_model& z : w.zones) {
    if (!is_subdomain(name, z.origin)) continue;
    if (!best || z.origin.size() > best->origin.size()) {
      best = &z;
      count = 1;
    } else if (z.origin == best->origin) {
      ++count;
    }
  }
  if (!best) return {};
  if (best->origin == from.origin) return resolve_in(from, name);
  if (count != 1 || !best->cfg->allow_from.empty()) return {};
  return resolve_in(*best, name);
}

resolution zone_compiler::resolve_target(const zone_model& from, const wire_name& name) const {
  return zone::resolve_target(world_, from, name);
}

void zone_compiler::add_negative(encoder& e, const zone_model& z) {
  e.rrset(section::authority, z.origin, false, wire::k_type_soa, soa_min_ttl(*z.soa),
          z.soa->rdatas);
}

// A/AAAA of in-zone targets of MX, SRV and NS; static sets only.
void zone_compiler::add_additional(encoder& e, const zone_model& z, const rr_set& set) {
  size_t skip;
  switch (set.type) {
    case wire::k_type_ns: skip = 0; break;
    case wire::k_type_mx: skip = 2; break;
    case wire::k_type_srv: skip = 6; break;
    default: return;
  }
  std::vector<wire_name> seen;
  for (const auto& rd : set.rdatas) {
    if (rd.size() <= skip) continue;
    size_t l = wire::name_length(rd.data() + skip, rd.size() - skip);
    if (l == 0) continue;
    wire_name t = lower_name(rd.data() + skip, l);
    if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
    seen.push_back(t);
    resolution r = resolve_in(z, t);
    if (r.kind != resolution::exact) continue;
    for (uint16_t type : {wire::k_type_a, wire::k_type_aaaa})
      if (auto it = r.n->sets.find(type); it != r.n->sets.end())
        e.rrset(section::additional, t, false, type, it->second.ttl, it->second.rdatas);
  }
}

// The answer to (n, qtype) with CNAME chains followed; qtype 0 stands for
// "a type the name does not have".
body zone_compiler::answer(const node& n, uint16_t qtype, bool shared, variant& v) {
  encoder e(n.name, shared);
  const zone_model* z = &z_;
  const node* cur = &n;
  wire_name owner = n.name;
  bool first = true;
  uint8_t rcode = wire::k_noerror;
  std::set<const node*> visited;
  for (int hop = 0; hop < 16; ++hop) {
    visited.insert(cur);
    const rr_set* cname = qtype == wire::k_type_cname ? nullptr : get(*cur, wire::k_type_cname, v);
    if (!cname) {
      const rr_set* set = nullptr;
      if (qtype == wire::k_type_any) {
        uint16_t lowest = 0;
        for (auto& [t, s] : cur->sets) if (!lowest || t < lowest) lowest = t;
        for (auto& [t, s] : cur->failover) if (!lowest || t < lowest) lowest = t;
        if (lowest) set = get(*cur, lowest, v);
      } else if (qtype != 0) {
        set = get(*cur, qtype, v);
      }
      if (set) {
        e.rrset(section::answer, owner, first, set->type, set->ttl, set->rdatas);
        if (cur->sets.count(set->type)) add_additional(e, *z, *set);
      } else {
        add_negative(e, *z);
      }
      break;
    }
    e.rrset(section::answer, owner, first, wire::k_type_cname, cname->ttl, cname->rdatas);
    first = false;
    const auto& rd = cname->rdatas.front();
    wire_name target = lower_name(rd.data(), wire::name_length(rd.data(), rd.size()));
    resolution r = resolve_target(*z, target);
    if (r.kind == resolution::nxdomain) {
      rcode = wire::k_nxdomain;
      add_negative(e, *r.zone);
      break;
    }
    if ((r.kind != resolution::exact && r.kind != resolution::wildcard) || !r.n ||
        visited.count(r.n))
      break;  // out of our zones, into a delegation, or a loop: the chain so far
    z = r.zone;
    cur = r.n;
    owner = target;
  }
  return e.finish(rcode, true);
}

body zone_compiler::referral(const node& cut, const wire_name& qname, bool shared) {
  encoder e(qname, shared);
  const rr_set& ns = cut.sets.at(wire::k_type_ns);
  e.rrset(section::authority, cut.name, false, wire::k_type_ns, ns.ttl, ns.rdatas);
  // Glue: in-domain first (RFC 9471: TC if it does not fit), then sibling.
  for (bool in_domain : {true, false}) {
    std::vector<wire_name> seen;
    for (const auto& rd : ns.rdatas) {
      wire_name t = lower_name(rd.data(), wire::name_length(rd.data(), rd.size()));
      if (is_subdomain(t, cut.name) != in_domain) continue;
      if (std::find(seen.begin(), seen.end(), t) != seen.end()) continue;
      seen.push_back(t);
      const node* g = z_.find(t);
      if (!g) continue;
      for (uint16_t type : {wire::k_type_a, wire::k_type_aaaa})
        if (auto it = g->sets.find(type); it != g->sets.end())
          e.rrset(section::additional, t, false, type, it->second.ttl, it->second.rdatas,
                  in_domain ? k_mark_required_glue : 0);
    }
  }
  return e.finish(wire::k_noerror, false);
}

uint32_t zone_compiler::variants(const std::function<body(variant&)>& build, uint32_t& aux) {
  variant v;
  body primary = build(v);
  if (v.slot < 0) {
    aux = k_no_slot;
    return out_.add_response(primary);
  }
  variant s{live::slot_state::secondary, v.slot};
  body secondary = build(s);
  body servfail;
  servfail.rcode = wire::k_servfail;
  servfail.aa = false;
  compile_slot& cs = world_.slots[static_cast<size_t>(v.slot)];
  if (cs.snapshot_index == k_no_slot) cs.snapshot_index = out_.add_slot(cs.binding.slot);
  aux = cs.snapshot_index;
  std::array<uint32_t, live::k_slot_states> offs;
  offs[0] = out_.add_response(primary);
  offs[1] = out_.add_response(secondary);
  offs[2] = out_.add_response(servfail);
  return out_.add_variants(offs);
}

// Types present at the end of n's CNAME chain, in any slot state.
std::set<uint16_t> zone_compiler::chain_end_types(const node& n) {
  std::set<uint16_t> types;
  for (auto state : {live::slot_state::primary, live::slot_state::secondary}) {
    const zone_model* z = &z_;
    const node* cur = &n;
    for (int hop = 0; hop < 16 && cur; ++hop) {
      const rr_set* c = nullptr;
      if (auto it = cur->sets.find(wire::k_type_cname); it != cur->sets.end()) c = &it->second;
      if (auto it = cur->failover.find(wire::k_type_cname); it != cur->failover.end())
        c = state == live::slot_state::secondary ? &it->second.secondary : &it->second.primary;
      if (!c) {
        for (auto& [t, s] : cur->sets) types.insert(t);
        for (auto& [t, s] : cur->failover) types.insert(t);
        break;
      }
      const auto& rd = c->rdatas.front();
      resolution r = resolve_target(*z, lower_name(rd.data(), wire::name_length(rd.data(), rd.size())));
      if (r.kind != resolution::exact && r.kind != resolution::wildcard) break;
      z = r.zone;
      cur = r.n;
    }
  }
  types.erase(wire::k_type_cname);
  return types;
}

void zone_compiler::compile_node(const node& n, precompiled_zone& pz) {
  if (n.occluded) return;
  wire_name key_name = n.name;
  bool wild = n.name.size() > 2 && n.name[0] == 1 && n.name[1] == '*';
  uint32_t name_off = out_.add_name(n.name);
  uint32_t parent_off = wild ? out_.add_name(parent_name(n.name)) : 0;
  auto add = [&](uint16_t type, uint8_t flags, uint32_t resp, uint32_t aux) {
    pz.entries.push_back({name_off, static_cast<uint8_t>(n.name.size()), type, flags, resp, aux});
    if (wild && !(flags & k_entry_delegation))
      pz.entries.push_back({parent_off, static_cast<uint8_t>(n.name.size() - 2), type,
                            static_cast<uint8_t>((flags & ~k_entry_wildcard_parent) | k_entry_wildcard),
                            resp, aux});
  };
  uint8_t node_flags = n.wildcard_parent ? k_entry_wildcard_parent : 0;

  if (n.delegation) {
    uint32_t exact = out_.add_response(referral(n, n.name, false));
    uint32_t below = out_.add_response(referral(n, wildcard_of(n.name), true));
    add(0, static_cast<uint8_t>(node_flags | k_entry_delegation), exact, below);
    if (auto it = n.sets.find(wire::k_type_ds); it != n.sets.end()) {
      encoder e(n.name, false);
      e.rrset(section::answer, n.name, true, wire::k_type_ds, it->second.ttl, it->second.rdatas);
      add(wire::k_type_ds, 0, out_.add_response(e.finish(wire::k_noerror, true)), k_no_slot);
    } else {
      add(wire::k_type_ds, 0, nodata_, k_no_slot);
    }
    return;
  }

  std::set<uint16_t> types;
  for (auto& [t, s] : n.sets) types.insert(t);
  for (auto& [t, s] : n.failover) types.insert(t);
  bool has_cname = types.count(wire::k_type_cname) != 0;
  std::map<uint16_t, std::pair<uint32_t, uint32_t>> done;  // type -> (resp, aux)
  auto compile_type = [&](uint16_t t) {
    uint32_t aux;
    uint32_t resp = variants([&](variant& v) { return answer(n, t, wild, v); }, aux);
    done[t] = {resp, aux};
    if (t != 0) add(t, 0, resp, aux);
  };
  for (uint16_t t : types) compile_type(t);
  if (has_cname) {
    for (uint16_t t : chain_end_types(n))
      if (!done.count(t) && t != wire::k_type_any) compile_type(t);
    compile_type(0);
    add(0, node_flags, done[0].first, done[0].second);
    add(wire::k_type_any, 0, done[wire::k_type_cname].first, done[wire::k_type_cname].second);
  } else {
    add(0, node_flags, nodata_, k_no_slot);
    if (!types.empty() && !types.count(wire::k_type_any))
      add(wire::k_type_any, 0, done[*types.begin()].first, done[*types.begin()].second);
  }
}

precompiled_zone zone_compiler::run() {
  precompiled_zone pz;
  wire_name tmpl = wildcard_of(z_.origin);
  {
    encoder e(tmpl, true);
    add_negative(e, z_);
    pz.nxdomain = out_.add_response(e.finish(wire::k_nxdomain, true));
  }
  {
    encoder e(tmpl, true);
    add_negative(e, z_);
    nodata_ = out_.add_response(e.finish(wire::k_noerror, true));
  }
  // Deterministic order (the node map is unordered).
  std::vector<std::pair<const std::string*, const node*>> nodes;
  for (auto& [k, n] : z_.nodes) nodes.emplace_back(&k, &n);
  std::sort(nodes.begin(), nodes.end(), [](auto& a, auto& b) { return *a.first < *b.first; });
  for (auto& [k, n] : nodes) compile_node(*n, pz);
  return pz;
}

}  // namespace

precompiled_zone precompile_zone(compile_world& world, size_t zone, snapshot_builder& out) {
  return zone_compiler(world, zone, out).run();
}

}  // namespace hadns::zone
