// probes/from_config.h -- the bridge from the typed configuration to the
// probes' own check specs: the only place where probes/ meets engine/config
// (target hadns_probes_glue; hadns_probes itself never includes the config).
#pragma once

#include <vector>

#include "engine/config/config.h"
#include "engine/live/live_table.h"
#include "probes/check_spec.h"

namespace hadns::probes {

check_spec spec_from_config(const config::health_check& check);

// Every configured check, in name order.
std::vector<check_spec> specs_from_config(const config::config& cfg);

live::both_unhealthy_policy policy_from_config(config::both_policy p) noexcept;

}  // namespace hadns::probes
