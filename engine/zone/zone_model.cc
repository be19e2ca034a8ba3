// engine/zone/zone_model.cc -- zone file + failover entries -> node tree
// (see zone_model.h).
#include "engine/zone/zone_model.h"

#include <algorithm>
#include <stdexcept>

#include "engine/wire/header.h"

namespace hadns::zone {
namespace {

std::string key_of(const wire_name& n) { return std::string(n.begin(), n.end()); }

std::string allow_text(const config::zone_config& z) {
  std::string t;
  for (const auto& p : z.allow_from) {
    if (!t.empty()) t += ",";
    t += p.text;
  }
  return t;
}

node& node_at(zone_model& z, const wire_name& name) {
  auto [it, fresh] = z.nodes.try_emplace(key_of(name));
  if (fresh) it->second.name = name;
  return it->second;
}

void add_record(zone_model& z, const record& r) {
  node& n = node_at(z, lower_name(r.owner));
  auto [it, fresh] = n.sets.try_emplace(r.type);
  rr_set& s = it->second;
  if (fresh) {
    s.type = r.type;
    s.ttl = r.ttl;
    s.file = r.file;
    s.line = r.line;
  }
  if (std::find(s.rdatas.begin(), s.rdatas.end(), r.rdata) == s.rdatas.end())
    s.rdatas.push_back(r.rdata);
}

rr_set side_set(const config::zone_config& zc, const config::failover_record& f,
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
  s.file = f.pos.file;
  s.line = f.pos.line;
  for (const record& r : recs)
    if (std::find(s.rdatas.begin(), s.rdatas.end(), r.rdata) == s.rdatas.end())
      s.rdatas.push_back(r.rdata);
  if (s.rdatas.empty())
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
    if (type == wire::k_type_soa || type == wire::k_type_ns)
      fail(".type", "SOA and NS cannot be failover types");
    if (wire::is_meta_type(type)) fail(".type", "a data type expected, got " + f.type);
    // At or below a delegation (the apex is not one).
    for (wire_name p = owner; p.size() > z.origin.size(); p = parent_name(p)) {
      const node* n = z.find(p);
      if (n && n->sets.count(wire::k_type_ns))
        fail(".name", "a failover name cannot be at or below the delegation " +
                          name_to_text(p.data(), p.size()) + " (" + n->sets.at(wire::k_type_ns).file +
                          ":" + std::to_string(n->sets.at(wire::k_type_ns).line) + ")");
    }
    node& n = node_at(z, owner);
    if (auto it = n.sets.find(type); it != n.sets.end())
      fail(".name", f.name + " " + f.type + " also has a static RR set in the zone file (" +
                        it->second.file + ":" + std::to_string(it->second.line) + ")");
    if (n.failover.count(type)) fail(".name", f.name + " " + f.type + " is configured twice");
    bool has_cname = n.sets.count(wire::k_type_cname) || n.failover.count(wire::k_type_cname);
    bool has_other = std::any_of(n.sets.begin(), n.sets.end(),
                                 [](auto& s) { return s.first != wire::k_type_cname; }) ||
                     std::any_of(n.failover.begin(), n.failover.end(),
                                 [](auto& s) { return s.first != wire::k_type_cname; });
    if ((type == wire::k_type_cname && has_other) || (type != wire::k_type_cname && has_cname))
      fail(".type", "CNAME cannot be beside other data at " + f.name);

    failover_set fs;
    fs.primary = side_set(zc, f, text, f.primary, key + ".primary");
    fs.secondary = side_set(zc, f, text, f.secondary, key + ".secondary");
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
    n.failover.emplace(type, std::move(fs));
  }
}

}  // namespace

wire_name parent_name(const wire_name& name) {
  if (name.empty() || name[0] == 0) return name;
  return wire_name(name.begin() + 1 + name[0], name.end());
}

bool is_subdomain(const wire_name& name, const wire_name& origin) {
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
  std::vector<record> records;
  try {
    records = load_zone_file(zc.file, zc.origin);
  } catch (const zone_file_error& e) {
    throw config::config_error(e.file(), e.line(), key + ".file", e.message());
  } catch (const std::exception& e) {
    throw config::config_error(zc.pos.file, zc.pos.line, key + ".file", e.what());
  }
  z.record_count = records.size();
  for (const record& r : records) add_record(z, r);
  const node* apex = z.find(z.origin);
  if (!apex || !apex->sets.count(wire::k_type_soa))
    throw config::config_error(zc.file, 1, key + ".file", "the zone has no SOA at " + zc.origin);
  apply_failover(z, zc, index, table, slots);

  // Empty non-terminals, delegations, occlusion, wildcard parents.
  std::vector<wire_name> names;
  for (auto& [k, n] : z.nodes) names.push_back(n.name);
  for (const wire_name& name : names)
    if (!is_subdomain(name, z.origin))
      throw config::config_error(zc.file, 1, key + ".file", "data outside " + zc.origin);
  for (const wire_name& name : names)
    for (wire_name p = parent_name(name); p.size() >= z.origin.size(); p = parent_name(p)) {
      node_at(z, p);
      if (p.size() == z.origin.size()) break;
    }
  for (auto& [k, n] : z.nodes) {
    n.delegation = n.name.size() > z.origin.size() && n.sets.count(wire::k_type_ns);
  }
  for (const wire_name& name : names)
    if (name.size() > 2 && name[0] == 1 && name[1] == '*')
      z.nodes.at(key_of(parent_name(name))).wildcard_parent = true;
  for (auto& [k, n] : z.nodes)
    for (wire_name p = parent_name(n.name); p.size() > z.origin.size(); p = parent_name(p)) {
      const node* a = z.find(p);
      if (a && a->delegation) {
        n.occluded = true;
        break;
      }
    }
  z.soa = &z.nodes.at(key_of(z.origin)).sets.at(wire::k_type_soa);
  return z;
}

}  // namespace hadns::zone
