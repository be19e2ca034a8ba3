// engine/zone/compile.cc -- Config -> Snapshot: loads every zone,
// precompiles each zone once and makes it visible to its clients (see
// compile.h).
#include "engine/zone/compile.h"

#include "engine/zone/precompile.h"
#include "engine/zone/snapshot_builder.h"

namespace hadns::zone {

compiled compile(const config::config& cfg, live::live_table& slots) {
  compile_world world;
  world.zones.reserve(cfg.zones.size());
  for (size_t i = 0; i < cfg.zones.size(); ++i)
    world.zones.push_back(build_zone_model(cfg, i, slots, world.slots));

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
