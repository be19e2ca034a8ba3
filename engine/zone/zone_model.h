// engine/zone/zone_model.h -- one zone as a tree of nodes, between the zone
// file and the precompiled responses.
//
// build_zone_model() groups a zone file's records into RR sets per owner,
// applies the zone's failover entries (each becomes a failover set bound to
// a slot), creates the empty non-terminals above every name, and marks
// delegations, names below them (occluded) and wildcard parents. Every
// mistake is a config::config_error naming file, line and key.
// Compile time only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
#include "engine/live/live_table.h"
#include "engine/zone/encoder.h"
#include "engine/zone/zone_file.h"

namespace hadns::zone {

struct rr_set {
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<std::vector<uint8_t>> rdatas;
  std::string file;
  int line = 0;
};

// A failover record set: one RR set per side, bound to a slot.
struct failover_set {
  uint32_t slot = 0;        // index in compile_slots
  rr_set primary;
  rr_set secondary;
};

struct node {
  wire_name name;           // lower-cased
  std::map<uint16_t, rr_set> sets;
  std::map<uint16_t, failover_set> failover;
  bool delegation = false;  // NS below the apex
  bool occluded = false;    // at or below a delegation, not the cut itself
  bool wildcard_parent = false;
  bool empty() const { return sets.empty() && failover.empty(); }
};

// A failover slot as the compiler knows it: key, slot, and where it was
// configured (for errors naming it).
struct compile_slot {
  live::failover_binding binding;
  const config::failover_record* record = nullptr;
  std::string key_path;     // "zones[0].failover[1]"
  uint32_t snapshot_index = k_no_slot;
};

struct zone_model {
  size_t index = 0;         // in config.zones
  const config::zone_config* cfg = nullptr;
  wire_name origin;
  std::string view;         // "public" or the allow_from list
  std::unordered_map<std::string, node> nodes;
  const rr_set* soa = nullptr;
  size_t record_count = 0;

  const node* find(const wire_name& name) const {
    auto it = nodes.find(std::string(name.begin(), name.end()));
    return it == nodes.end() ? nullptr : &it->second;
  }
};

// Parent of a wire name (drops the first label); the root has none.
wire_name parent_name(const wire_name& name);
// True if `name` equals `origin` or lies below it.
bool is_subdomain(const wire_name& name, const wire_name& origin);

// Builds zone `index` of `cfg`; failover slots are appended to `slots`
// (their slot objects come from `table`).
zone_model build_zone_model(const config::config& cfg, size_t index, live::live_table& table,
                            std::vector<compile_slot>& slots);

}  // namespace hadns::zone
