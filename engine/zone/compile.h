// engine/zone/compile.h -- Config -> Snapshot.
//
// compile() loads every zone file, applies the failover entries, and builds
// an immutable Snapshot of precompiled responses (see snapshot.h). It runs
// off the hot path (start-up, reload) and is all-or-nothing: it either
// returns a complete Snapshot or throws config::config_error naming file,
// line and key, leaving nothing half-built.
//
// It takes a config that config::load_config() has validated: the rules that are
// about the config alone (one zone per origin and view, no SOA or NS
// failover entries) are checked there, once, where the YAML line of the
// offending key is known; compile() checks what needs the zone files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/live/live_table.h"

namespace hadns::zone {

class snapshot;

struct zone_stats {
  std::string origin;
  std::string view;       // "public" or the allow_from list
  size_t records = 0;     // RRs loaded from the file
  size_t failover = 0;    // failover record sets
};

struct compiled {
  std::shared_ptr<const snapshot> snap;
  std::vector<live::failover_binding> bindings;  // hand to live_table::set_bindings
  std::vector<zone_stats> zones;
};

// Slots come from `slots.slot_for(...)`, so records that exist in the
// previous Snapshot keep their live state.
compiled compile(const config::config& cfg, live::live_table& slots);

}  // namespace hadns::zone
