// engine/config/validate.h -- checks that span keys: timeouts against
// intervals, health check references, cycles of calculated checks,
// healthy_threshold against children, failover types, and duplicate
// (origin, allow_from prefix) views.
//
// Runs on a fully read config (defaults applied) with the line index the
// reader recorded, so each error still names file, line and key.
#pragma once

#include "engine/config/config.h"
#include "engine/config/node_reader.h"

namespace hadns::config {

// Throws config_error on the first problem, in file order per section.
void validate(const config& cfg, const read_context& ctx);

}  // namespace hadns::config
