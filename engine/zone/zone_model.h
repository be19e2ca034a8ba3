// engine/zone/zone_model.h -- one zone as a table of nodes, between the
// zone file and the precompiled responses.
//
// build_zone_model() groups a zone file's records into RR sets per owner,
// applies the zone's failover entries (each becomes a failover set bound to
// a slot), creates the empty non-terminals above every name, and marks
// delegations, DNAME owners, the names below either (occluded: RFC 6672 2.4
// lets a server load data below a DNAME if it never answers from it) and
// wildcard parents. Every
// mistake is a config::config_error naming file, line and key.
//
// Layout: flat arrays, no heap object per name or RR set (a zone of a
// million names is a few tens of megabytes). Node names live in one byte
// arena and are found through an open-addressing table; a node's static RR
// sets are contiguous and sorted by type; RDATA lives in one byte arena as
// runs of (16-bit length, bytes). The model is immutable once built, so
// pointers into it stay valid. Compile time only.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/live/live_table.h"
#include "engine/zone/encoder.h"
#include "engine/zone/pod_array.h"
#include "engine/zone/zone_file.h"

namespace hadns::zone {

inline constexpr uint32_t k_none = 0xFFFFFFFF;

struct rr_set {
  uint16_t type = 0;
  uint16_t file = 0;        // index in zone_model::files
  uint32_t ttl = 0;
  uint32_t rdata = 0;       // offset in zone_model::rdata of `count` (length, bytes) runs
  uint32_t count = 0;
  int line = 0;
};

// A failover record set: one RR set per side, bound to a slot.
struct failover_set {
  uint32_t slot = 0;        // index in compile_slots
  uint32_t next = k_none;   // the node's next failover set
  rr_set primary;
  rr_set secondary;
};

struct node {
  uint32_t name = 0;        // offset in zone_model::names (lower-cased wire)
  uint8_t name_len = 0;
  bool delegation = false;  // NS below the apex
  bool occluded = false;    // below a delegation or a DNAME owner, not the owner itself
  bool wildcard_parent = false;
  bool dname = false;       // has a DNAME (RFC 6672) and is not a cut: names below it are redirected
  uint16_t nsets = 0;
  uint32_t sets = 0;        // first static set in zone_model::sets, sorted by type
  uint32_t failover = k_none;  // first failover set in zone_model::failover
  bool empty() const { return nsets == 0 && failover == k_none; }
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
  pod_array<uint8_t> names;
  pod_array<node> nodes;    // file order of first appearance, then the names added
  pod_array<rr_set> sets;
  std::vector<failover_set> failover;
  pod_array<uint8_t> rdata;
  std::vector<std::string> files;
  const rr_set* soa = nullptr;
  size_t record_count = 0;

  name_view name(const node& n) const { return {names.data() + n.name, n.name_len}; }
  const node* find(name_view name) const;
  const node* find(const wire_name& name) const { return find(name_view(name)); }
  // The static RR set of `type` at `n`, or nullptr.
  const rr_set* set(const node& n, uint16_t type) const {
    for (uint32_t i = n.sets, e = n.sets + n.nsets; i < e; ++i)
      if (sets[i].type == type) return &sets[i];
    return nullptr;
  }
  std::span<const rr_set> sets_of(const node& n) const { return {sets.data() + n.sets, n.nsets}; }
  // The failover set of `type` at `n`, or nullptr.
  const failover_set* failover_of(const node& n, uint16_t type) const {
    for (uint32_t i = n.failover; i != k_none; i = failover[i].next)
      if (failover[i].primary.type == type) return &failover[i];
    return nullptr;
  }
  rdata_run rdatas(const rr_set& s) const { return {rdata.data() + s.rdata, s.count}; }
  // The first RDATA of a set.
  std::span<const uint8_t> first_rdata(const rr_set& s) const {
    uint16_t len;
    std::memcpy(&len, rdata.data() + s.rdata, 2);
    return {rdata.data() + s.rdata + 2, len};
  }
  const std::string& file(const rr_set& s) const { return files[s.file]; }

  // The node table: node index + 1 (0 = empty) and 32 bits of the name's hash.
  struct slot {
    uint32_t node = 0;
    uint32_t tag = 0;
  };
  pod_array<slot> table;
  uint32_t mask = 0;
};

// Parent of a wire name (drops the first label); the root has none.
wire_name parent_name(const wire_name& name);
inline name_view parent_of(name_view name) {
  if (name.empty() || name[0] == 0) return name;
  return name.subspan(1u + name[0]);
}
// True if `name` equals `origin` or lies below it.
bool is_subdomain(name_view name, name_view origin);

// Builds zone `index` of `cfg`; failover slots are appended to `slots`
// (their slot objects come from `table`).
zone_model build_zone_model(const config::config& cfg, size_t index, live::live_table& table,
                            std::vector<compile_slot>& slots);

}  // namespace hadns::zone
