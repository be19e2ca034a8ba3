// engine/zone/compile.cc -- Config -> Snapshot: loads every zone, checks the
// views, precompiles each zone once and makes it visible to its clients
// (see compile.h).
#include "engine/zone/compile.h"

#include <set>

#include "engine/zone/precompile.h"
#include "engine/zone/snapshot_builder.h"

namespace hadns::zone {

compiled compile(const config::config& cfg, live::live_table& slots) {
  compile_world world;
  world.zones.reserve(cfg.zones.size());
  std::set<std::pair<std::string, std::string>> views;
  for (size_t i = 0; i < cfg.zones.size(); ++i) {
    const config::zone_config& zc = cfg.zones[i];
    world.zones.push_back(build_zone_model(cfg, i, slots, world.slots));
    const zone_model& z = world.zones.back();
    std::vector<std::string> prefixes;
    for (const auto& p : zc.allow_from) prefixes.push_back(p.text);
    if (prefixes.empty()) prefixes.push_back("");
    for (const std::string& p : prefixes)
      if (!views.emplace(std::string(z.origin.begin(), z.origin.end()), p).second)
        throw config::config_error(zc.pos.file, zc.pos.line,
                                   "zones[" + std::to_string(i) + "].allow_from",
                                   "the zone " + zc.origin + " is already served to " +
                                       (p.empty() ? std::string("everyone") : p));
  }

  snapshot_builder builder;
  compiled out;
  for (size_t i = 0; i < world.zones.size(); ++i) {
    const zone_model& z = world.zones[i];
    precompiled_zone pz = precompile_zone(world, i, builder);
    uint32_t zi = builder.end_zone(z.origin, z.cfg->origin, z.view, pz.nxdomain);
    builder.add_view(z.origin, z.cfg->allow_from, zi);
    zone_stats st;
    st.origin = z.cfg->origin;
    st.view = z.view;
    st.records = z.record_count;
    st.failover = z.cfg->failover.size();
    out.zones.push_back(std::move(st));
  }
  for (compile_slot& s : world.slots) {
    // Slots no answer depends on are still bound, so probes decide them.
    if (s.snapshot_index == k_no_slot) s.snapshot_index = builder.add_slot(s.binding.slot);
    out.bindings.push_back(s.binding);
  }
  out.snap = builder.finish();
  return out;
}

}  // namespace hadns::zone
