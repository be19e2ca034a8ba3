// tests/engine/io/shard_alloc_core_test.cc -- the whole packet path (shard
// loop, the real packet core, a compiled Snapshot with a failover record)
// allocates nothing per packet.
#include <gtest/gtest.h>

#include "engine/live/live_table.h"
#include "engine/zone/compile.h"
#include "engine/zone/snapshot.h"
#include "tests/engine/core/dns_test_util.h"
#include "tests/engine/io/shard_alloc.h"

namespace hadns::io {
namespace {

TEST(ShardAllocations, NonePerPacketWithTheRealCore) {
  config::config cfg;
  auto z = test::zone_of("core.test.", "core.test.zone");
  z.failover.push_back(test::failover_of("app.core.test.", "A", 1, {"192.0.2.2"}, {"192.0.2.3"}));
  cfg.zones.push_back(z);
  live::live_table slots;  // outlives the server: the Snapshot points into it
  zone::compiled c = zone::compile(cfg, slots);
  slots.set_bindings(c.bindings);
  // app.core.test A: a failover answer read through its live slot.
  expect_no_allocation_per_packet(c.snap, test::wire_name_of("app.core.test."), 1);
}

}  // namespace
}  // namespace hadns::io
