// engine/zone/precompile.cc -- responses per name, type and slot state
// (see precompile.h).
#include "engine/zone/precompile.h"

#include <algorithm>
#include <array>
#include <cstring>

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
  enum kind_t { none, exact, wildcard, delegation, dname, nxdomain } kind = none;
  const zone_model* zone = nullptr;
  const node* n = nullptr;
};

// A wire name on the stack.
struct name_buf {
  uint8_t b[wire::k_max_name + 3];
  size_t len = 0;
  name_view view() const { return {b, len}; }
};

// "*." + parent.
name_buf wildcard_of(name_view parent) {
  name_buf w;
  w.b[0] = 1;
  w.b[1] = '*';
  std::memcpy(w.b + 2, parent.data(), parent.size());
  w.len = parent.size() + 2;
  return w;
}

// Lower-cased copy of the wire name at the start of `rd`, or empty.
name_buf lower_target(std::span<const uint8_t> rd, size_t skip = 0) {
  name_buf t;
  if (rd.size() <= skip) return t;
  size_t l = wire::name_length(rd.data() + skip, rd.size() - skip);
  if (l == 0 || l > wire::k_max_name) return t;
  std::memcpy(t.b, rd.data() + skip, l);
  for (size_t i = 0; i < l && t.b[i] != 0;) {
    size_t ll = t.b[i];
    for (size_t k = 1; k <= ll && i + k < l; ++k) t.b[i + k] = wire::to_lower(t.b[i + k]);
    i += ll + 1;
  }
  t.len = l;
  return t;
}

// Walks the (length, bytes) runs of an RR set's RDATA.
template <typename F>
void for_each_rdata(rdata_run run, F&& f) {
  const uint8_t* p = run.p;
  for (uint32_t k = 0; k < run.count; ++k) {
    uint16_t len;
    std::memcpy(&len, p, 2);
    f(std::span<const uint8_t>(p + 2, len));
    p += 2 + len;
  }
}

// Where `name` leads inside zone `z`, as the packet core would find it.
// dname: a proper ancestor owns a DNAME (r.n), so the name is redirected.
resolution resolve_in(const zone_model& z, name_view name) {
  resolution r;
  r.zone = &z;
  if (!is_subdomain(name, z.origin)) return r;
  for (name_view p = name;; p = parent_of(p)) {
    if (const node* n = z.find(p)) {
      if (n->occluded) {
        name_view c = p;  // walk up to the cut or DNAME owner that hides it
        const node* a = n;
        while (a && a->occluded && c.size() > z.origin.size()) {
          c = parent_of(c);
          a = z.find(c);
        }
        if (!a || a->occluded) return r;
        r.kind = a->delegation ? resolution::delegation : resolution::dname;
        r.n = a;
      } else if (n->delegation) {
        r.kind = resolution::delegation;
        r.n = n;
      } else if (n->dname && p.size() != name.size()) {
        r.kind = resolution::dname;
        r.n = n;
      } else if (p.size() == name.size()) {
        r.kind = resolution::exact;
        r.n = n;
      } else if (n->wildcard_parent) {
        r.kind = resolution::wildcard;
        r.n = z.find(wildcard_of(p).view());
      } else {
        r.kind = resolution::nxdomain;
      }
      return r;
    }
    if (p.size() <= z.origin.size()) return r;
  }
}

// RFC 6672 2.2: `name` with the DNAME owner (its last `owner_len` bytes)
// replaced by the DNAME's target `rd`, lower-cased; empty if the result
// would be longer than 255 bytes (YXDOMAIN).
name_buf substitute(name_view name, size_t owner_len, std::span<const uint8_t> rd) {
  name_buf t = lower_target(rd);
  name_buf out;
  size_t prefix = name.size() - owner_len;
  if (t.len == 0 || prefix + t.len > wire::k_max_name) return out;
  std::memcpy(out.b, name.data(), prefix);
  std::memcpy(out.b + prefix, t.b, t.len);
  out.len = prefix + t.len;
  return out;
}

uint32_t soa_min_ttl(const zone_model& z, const rr_set& soa) {
  auto rd = z.first_rdata(soa);
  uint32_t minimum = rd.size() >= 4 ? wire::load32(rd.data() + rd.size() - 4) : 0;
  return std::min(soa.ttl, minimum);
}

// A chain continues into another zone only if every client sees that zone:
// the target's closest origin has a single, public zone.
resolution resolve_target(const compile_world& w, const zone_model& from, name_view name) {
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

// Small sorted set of types.
struct type_list {
  std::vector<uint16_t> v;
  void insert(uint16_t t) {
    auto it = std::lower_bound(v.begin(), v.end(), t);
    if (it == v.end() || *it != t) v.insert(it, t);
  }
  bool contains(uint16_t t) const { return std::binary_search(v.begin(), v.end(), t); }
};

class zone_compiler {
 public:
  zone_compiler(compile_world& w, size_t zi, snapshot_builder& out)
      : world_(w), z_(w.zones[zi]), out_(out) {}

  precompiled_zone run();

 private:
  const rr_set* get(const zone_model& z, const node& n, uint16_t type, variant& v);
  resolution resolve_target(const zone_model& from, name_view name) const {
    return zone::resolve_target(world_, from, name);
  }
  void add_negative(const zone_model& z);
  void add_additional(const zone_model& z, const rr_set& set);
  const body& answer(const node& n, uint16_t qtype, bool shared, variant& v);
  void add_referral(const zone_model& z, const node& cut);
  const body& referral(const node& cut, name_view qname, bool shared);
  template <typename Build>
  uint32_t variants(Build&& build, uint32_t& aux);
  void chain_end_types(const node& n, type_list& types);
  void compile_node(const node& n);
  uint32_t add_dname_rule(const rr_set& dname);
  size_t expected_entries() const;

  compile_world& world_;
  const zone_model& z_;
  snapshot_builder& out_;
  encoder e_;
  uint32_t nodata_ = 0;
  type_list types_, chain_types_;
  std::vector<std::array<uint32_t, 3>> done_;  // (type, resp, aux)
};

const rr_set* zone_compiler::get(const zone_model& z, const node& n, uint16_t type, variant& v) {
  if (const rr_set* s = z.set(n, type)) return s;
  const failover_set* f = z.failover_of(n, type);
  if (!f) return nullptr;
  int slot = static_cast<int>(f->slot);
  if (v.slot >= 0 && v.slot != slot) {
    const compile_slot& a = world_.slots[static_cast<size_t>(v.slot)];
    const compile_slot& b = world_.slots[static_cast<size_t>(slot)];
    throw config::config_error(b.record->pos.file, b.record->pos.line, b.key_path,
                               "an answer would depend on two failover record sets: " +
                                   a.binding.key.text() + " (" + a.key_path + ") and " +
                                   b.binding.key.text() + " (" + b.key_path + ")");
  }
  v.slot = slot;
  return v.state == live::slot_state::secondary ? &f->secondary : &f->primary;
}

void zone_compiler::add_negative(const zone_model& z) {
  e_.rrset(section::authority, z.origin, false, wire::k_type_soa, soa_min_ttl(z, *z.soa),
           z.rdatas(*z.soa));
}

// A/AAAA of in-zone targets of MX, SRV and NS; static sets only.
void zone_compiler::add_additional(const zone_model& z, const rr_set& set) {
  size_t skip;
  switch (set.type) {
    case wire::k_type_ns: skip = 0; break;
    case wire::k_type_mx: skip = 2; break;
    case wire::k_type_srv: skip = 6; break;
    default: return;
  }
  std::vector<wire_name> seen;
  for_each_rdata(z.rdatas(set), [&](std::span<const uint8_t> rd) {
    name_buf t = lower_target(rd, skip);
    if (t.len == 0) return;
    wire_name tn(t.b, t.b + t.len);
    if (std::find(seen.begin(), seen.end(), tn) != seen.end()) return;
    seen.push_back(std::move(tn));
    resolution r = resolve_in(z, t.view());
    if (r.kind != resolution::exact) return;
    for (uint16_t type : {wire::k_type_a, wire::k_type_aaaa})
      if (const rr_set* s = z.set(*r.n, type))
        e_.rrset(section::additional, t.view(), false, type, s->ttl, z.rdatas(*s));
  });
}

// The answer to (n, qtype) with CNAME chains followed; qtype 0 stands for
// "a type the name does not have".
const body& zone_compiler::answer(const node& n, uint16_t qtype, bool shared, variant& v) {
  e_.reset(z_.name(n), shared);
  const zone_model* z = &z_;
  const node* cur = &n;
  name_buf owner;
  std::memcpy(owner.b, z_.name(n).data(), n.name_len);
  owner.len = n.name_len;
  bool first = true;
  uint8_t rcode = wire::k_noerror;
  const node* visited[17];
  size_t nvisited = 0;
  for (int hop = 0; hop < 16; ++hop) {
    visited[nvisited++] = cur;
    const rr_set* cname =
        qtype == wire::k_type_cname ? nullptr : get(*z, *cur, wire::k_type_cname, v);
    if (!cname) {
      const rr_set* set = nullptr;
      if (qtype == wire::k_type_any) {
        uint16_t lowest = 0;
        if (cur->nsets) lowest = z->sets[cur->sets].type;
        if (cur->failover != k_none) {
          uint16_t t = z->failover[cur->failover].primary.type;
          if (!lowest || t < lowest) lowest = t;
        }
        if (lowest) set = get(*z, *cur, lowest, v);
      } else if (qtype != 0) {
        set = get(*z, *cur, qtype, v);
      }
      if (set) {
        e_.rrset(section::answer, owner.view(), first, set->type, set->ttl, z->rdatas(*set));
        if (z->set(*cur, set->type)) add_additional(*z, *set);
      } else {
        add_negative(*z);
      }
      break;
    }
    e_.rrset(section::answer, owner.view(), first, wire::k_type_cname, cname->ttl,
             z->rdatas(*cname));
    first = false;
    name_buf target = lower_target(z->first_rdata(*cname));
    resolution r = resolve_target(*z, target.view());
    // RFC 6672: a target below a DNAME gets the DNAME and a CNAME
    // synthesised for it, then the substituted name is looked up.
    while (r.kind == resolution::dname && hop < 16) {
      ++hop;
      const rr_set* dn = r.zone->set(*r.n, wire::k_type_dname);
      name_view dn_owner = r.zone->name(*r.n);
      e_.rrset(section::answer, dn_owner, false, wire::k_type_dname, dn->ttl, r.zone->rdatas(*dn));
      name_buf next = substitute(target.view(), dn_owner.size(), r.zone->first_rdata(*dn));
      if (next.len == 0) {
        rcode = wire::k_yxdomain;
        break;
      }
      uint8_t run[2 + wire::k_max_name];
      auto len = static_cast<uint16_t>(next.len);
      std::memcpy(run, &len, 2);
      std::memcpy(run + 2, next.b, next.len);
      e_.rrset(section::answer, target.view(), false, wire::k_type_cname, dn->ttl, {run, 1});
      target = next;
      r = resolve_target(*r.zone, target.view());
    }
    if (rcode == wire::k_yxdomain || r.kind == resolution::dname) break;
    if (r.kind == resolution::nxdomain) {
      rcode = wire::k_nxdomain;
      add_negative(*r.zone);
      break;
    }
    // Into a delegation: the chain, then the referral (as Knot DNS does,
    // AA kept for the chain). DS at the cut itself is the parent's data.
    const bool at_cut = r.kind == resolution::delegation && r.zone->name(*r.n).size() == target.len;
    if (r.kind == resolution::delegation && !(at_cut && qtype == wire::k_type_ds)) {
      add_referral(*r.zone, *r.n);
      break;
    }
    if ((r.kind != resolution::exact && r.kind != resolution::wildcard && !at_cut) || !r.n ||
        std::find(visited, visited + nvisited, r.n) != visited + nvisited)
      break;  // out of our zones or a loop: the chain so far
    z = r.zone;
    cur = r.n;
    owner = target;
  }
  return e_.finish(rcode, true);
}

// The cut's NS set in authority and its glue in additional: in-domain
// first (RFC 9471: TC if it does not fit), then sibling.
void zone_compiler::add_referral(const zone_model& z, const node& cut) {
  const rr_set& ns = *z.set(cut, wire::k_type_ns);
  name_view cut_name = z.name(cut);
  e_.rrset(section::authority, cut_name, false, wire::k_type_ns, ns.ttl, z.rdatas(ns));
  for (bool in_domain : {true, false}) {
    std::vector<wire_name> seen;
    for_each_rdata(z.rdatas(ns), [&](std::span<const uint8_t> rd) {
      name_buf t = lower_target(rd);
      if (is_subdomain(t.view(), cut_name) != in_domain) return;
      wire_name tn(t.b, t.b + t.len);
      if (std::find(seen.begin(), seen.end(), tn) != seen.end()) return;
      seen.push_back(std::move(tn));
      const node* g = z.find(t.view());
      if (!g) return;
      for (uint16_t type : {wire::k_type_a, wire::k_type_aaaa})
        if (const rr_set* s = z.set(*g, type))
          e_.rrset(section::additional, t.view(), false, type, s->ttl, z.rdatas(*s),
                   in_domain ? k_mark_required_glue : 0);
    });
  }
}

const body& zone_compiler::referral(const node& cut, name_view qname, bool shared) {
  e_.reset(qname, shared);
  add_referral(z_, cut);
  return e_.finish(wire::k_noerror, false);
}

// Adds the response `build` makes; if it depends on a failover slot, one
// response per slot state and the table of their offsets.
template <typename Build>
uint32_t zone_compiler::variants(Build&& build, uint32_t& aux) {
  variant v;
  uint32_t primary = out_.add_response(build(v));
  if (v.slot < 0) {
    aux = k_no_slot;
    return primary;
  }
  variant s{live::slot_state::secondary, v.slot};
  uint32_t secondary = out_.add_response(build(s));
  body servfail;
  servfail.rcode = wire::k_servfail;
  servfail.aa = false;
  compile_slot& cs = world_.slots[static_cast<size_t>(v.slot)];
  if (cs.snapshot_index == k_no_slot) cs.snapshot_index = out_.add_slot(cs.binding.slot);
  aux = cs.snapshot_index;
  std::array<uint32_t, live::k_slot_states> offs;
  offs[0] = primary;
  offs[1] = secondary;
  offs[2] = out_.add_response(servfail);
  return out_.add_variants(offs);
}

// Types present at the end of n's CNAME chain, in any slot state.
void zone_compiler::chain_end_types(const node& n, type_list& types) {
  types.v.clear();
  for (auto state : {live::slot_state::primary, live::slot_state::secondary}) {
    const zone_model* z = &z_;
    const node* cur = &n;
    for (int hop = 0; hop < 16 && cur; ++hop) {
      const rr_set* c = z->set(*cur, wire::k_type_cname);
      if (const failover_set* f = z->failover_of(*cur, wire::k_type_cname))
        c = state == live::slot_state::secondary ? &f->secondary : &f->primary;
      if (!c) {
        for (const rr_set& s : z->sets_of(*cur)) types.insert(s.type);
        for (uint32_t i = cur->failover; i != k_none; i = z->failover[i].next)
          types.insert(z->failover[i].primary.type);
        break;
      }
      name_buf t = lower_target(z->first_rdata(*c));
      resolution r = resolve_target(*z, t.view());
      while (r.kind == resolution::dname && ++hop < 16) {
        const rr_set* dn = r.zone->set(*r.n, wire::k_type_dname);
        t = substitute(t.view(), r.zone->name(*r.n).size(), r.zone->first_rdata(*dn));
        if (t.len == 0) break;
        r = resolve_target(*r.zone, t.view());
      }
      if (r.kind == resolution::delegation && r.zone->name(*r.n).size() == t.len) {
        types.insert(wire::k_type_ds);  // the parent answers DS at the cut
        break;
      }
      if (r.kind != resolution::exact && r.kind != resolution::wildcard) break;
      z = r.zone;
      cur = r.n;
    }
  }
  auto it = std::find(types.v.begin(), types.v.end(), wire::k_type_cname);
  if (it != types.v.end()) types.v.erase(it);
}

void zone_compiler::compile_node(const node& n) {
  if (n.occluded) return;
  name_view name = z_.name(n);
  bool wild = name.size() > 2 && name[0] == 1 && name[1] == '*';
  uint32_t name_off = out_.add_name(name);
  uint32_t parent_off = wild ? out_.add_name(parent_of(name)) : 0;
  auto add = [&](uint16_t type, uint8_t flags, uint32_t resp, uint32_t aux) {
    out_.add_entry({name_off, static_cast<uint8_t>(name.size()), type, flags, resp, aux});
    if (wild && !(flags & k_entry_delegation))
      out_.add_entry({parent_off, static_cast<uint8_t>(name.size() - 2), type,
                      static_cast<uint8_t>((flags & ~k_entry_wildcard_parent) | k_entry_wildcard),
                      resp, aux});
  };
  uint8_t node_flags = n.wildcard_parent ? k_entry_wildcard_parent : 0;
  uint32_t node_aux = k_no_slot;
  if (n.dname) {
    // Names below are redirected (the core synthesises their CNAME); a
    // wildcard child is occluded like any other name below.
    node_flags = k_entry_dname;
    node_aux = add_dname_rule(*z_.set(n, wire::k_type_dname));
  }

  if (n.delegation) {
    uint32_t exact = out_.add_response(referral(n, name, false));
    uint32_t below = out_.add_response(referral(n, wildcard_of(name).view(), true));
    add(0, static_cast<uint8_t>(node_flags | k_entry_delegation), exact, below);
    if (const rr_set* ds = z_.set(n, wire::k_type_ds)) {
      e_.reset(name, false);
      e_.rrset(section::answer, name, true, wire::k_type_ds, ds->ttl, z_.rdatas(*ds));
      add(wire::k_type_ds, 0, out_.add_response(e_.finish(wire::k_noerror, true)), k_no_slot);
    } else {
      add(wire::k_type_ds, 0, nodata_, k_no_slot);
    }
    return;
  }

  type_list& types = types_;
  types.v.clear();
  for (const rr_set& s : z_.sets_of(n)) types.v.push_back(s.type);  // sorted already
  for (uint32_t i = n.failover; i != k_none; i = z_.failover[i].next)
    types.insert(z_.failover[i].primary.type);
  bool has_cname = types.contains(wire::k_type_cname);
  done_.clear();
  auto find_done = [&](uint16_t t) -> const std::array<uint32_t, 3>* {
    for (const auto& d : done_)
      if (d[0] == t) return &d;
    return nullptr;
  };
  auto compile_type = [&](uint16_t t) {
    uint32_t aux;
    uint32_t resp = variants([&](variant& v) -> const body& { return answer(n, t, wild, v); }, aux);
    done_.push_back({t, resp, aux});
    if (t != 0) add(t, 0, resp, aux);
  };
  for (size_t i = 0; i < types.v.size(); ++i) compile_type(types.v[i]);
  if (has_cname) {
    chain_end_types(n, chain_types_);
    for (uint16_t t : chain_types_.v)
      if (!find_done(t) && t != wire::k_type_any) compile_type(t);
    compile_type(0);
    const auto* d0 = find_done(0);
    add(0, node_flags, (*d0)[1], (*d0)[2]);
    const auto* dc = find_done(wire::k_type_cname);
    add(wire::k_type_any, 0, (*dc)[1], (*dc)[2]);
  } else {
    add(0, node_flags, nodata_, node_aux);
    if (!types.v.empty() && !types.contains(wire::k_type_any)) {
      const auto* d = find_done(types.v.front());
      add(wire::k_type_any, 0, (*d)[1], (*d)[2]);
    }
  }
}

// The dname_rule of a DNAME owner (layout in snapshot.h).
uint32_t zone_compiler::add_dname_rule(const rr_set& dname) {
  std::span<const uint8_t> target = z_.first_rdata(dname);
  uint8_t rule[k_dname_rule_header + wire::k_max_name];
  uint8_t* p = rule;
  wire::store32(p, dname.ttl);
  p[4] = static_cast<uint8_t>(target.size());
  std::memcpy(p + k_dname_rule_header, target.data(), target.size());
  return out_.add_name({rule, k_dname_rule_header + target.size()});
}

// Entries the zone will have: exact for names without a CNAME, a guess for
// the rest (the table grows if it is short).
size_t zone_compiler::expected_entries() const {
  size_t total = 0;
  for (const node& n : z_.nodes) {
    if (n.occluded) continue;
    size_t k;
    if (n.delegation) {
      k = 2;
    } else {
      k = n.nsets + 2;
      for (uint32_t i = n.failover; i != k_none; i = z_.failover[i].next) ++k;
      if (z_.set(n, wire::k_type_cname) || z_.failover_of(n, wire::k_type_cname)) k += 2;
    }
    bool wild = n.name_len > 2 && z_.names[n.name] == 1 && z_.names[n.name + 1] == '*';
    total += wild ? 2 * k : k;
  }
  return total;
}

precompiled_zone zone_compiler::run() {
  precompiled_zone pz;
  name_buf tmpl = wildcard_of(z_.origin);
  e_.reset(tmpl.view(), true);
  add_negative(z_);
  pz.nxdomain = out_.add_response(e_.finish(wire::k_nxdomain, true));
  e_.reset(tmpl.view(), true);
  add_negative(z_);
  nodata_ = out_.add_response(e_.finish(wire::k_noerror, true));
  out_.begin_zone(expected_entries());
  for (const node& n : z_.nodes) compile_node(n);
  return pz;
}

}  // namespace

precompiled_zone precompile_zone(compile_world& world, size_t zone, snapshot_builder& out) {
  return zone_compiler(world, zone, out).run();
}

}  // namespace hadns::zone
