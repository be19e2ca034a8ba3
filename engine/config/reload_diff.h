// engine/config/reload_diff.h -- what a reload may and may not change.
//
// A reload applies a new config while the old one serves. Keys marked
// restart-only in the schema (server.listen, server.shards, server.user,
// control.listen) cannot take effect without a restart: the reload applies
// everything else and reports these. Health checks carry their state over
// by name; same_definition tells whether a check's definition changed (its
// counters then restart, its verdict stays).
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"

namespace hadns::config {

// Dotted keys ("server.listen", ...) of restart-only settings whose value
// differs between `running` and `next`, in schema order.
std::vector<std::string> restart_only_changes(const config& running, const config& next);

// True when `a` and `b` define the same check: every field but `pos`.
bool same_definition(const health_check& a, const health_check& b);

}  // namespace hadns::config
