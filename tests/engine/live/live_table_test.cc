// tests/engine/live/live_table_test.cc -- slots keyed by (origin, view,
// owner, type): the same key finds the same slot, any field that differs
// makes another, and a new binding list forgets the keys it lacks.
#include "engine/live/live_table.h"

#include <gtest/gtest.h>

namespace hadns::live {
namespace {

slot_key key(std::string owner, uint16_t type = 1, std::string origin = "a.test.", std::string allow = "") {
  return slot_key{std::move(origin), std::move(allow), std::move(owner), type};
}

TEST(LiveTable, SameKeySameSlotAndEveryFieldCounts) {
  live_table t;
  auto s = t.slot_for(key("app.a.test."));
  EXPECT_EQ(t.slot_for(key("app.a.test.")), s);
  EXPECT_NE(t.slot_for(key("app.a.test.", 28)), s);
  EXPECT_NE(t.slot_for(key("app.a.test.", 1, "b.test.")), s);
  EXPECT_NE(t.slot_for(key("app.a.test.", 1, "a.test.", "10.0.0.0/8")), s);
  EXPECT_NE(t.slot_for(key("web.a.test.")), s);
}

TEST(LiveTable, ManyKeysEachKeepTheirSlot) {
  live_table t;
  std::vector<std::shared_ptr<failover_slot>> made;
  for (int i = 0; i < 5000; ++i) made.push_back(t.slot_for(key("h" + std::to_string(i) + ".a.test.")));
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(t.slot_for(key("h" + std::to_string(i) + ".a.test.")), made[size_t(i)]) << i;
}

TEST(LiveTable, BindingsKeepTheirSlotsAndForgetTheRest) {
  live_table t;
  auto kept = t.slot_for(key("kept.a.test."));
  auto gone = t.slot_for(key("gone.a.test."));
  kept->store(slot_state::secondary);
  gone->store(slot_state::secondary);
  failover_binding b;
  b.key = key("kept.a.test.");
  b.slot = kept;
  b.primary_check = "c";
  t.set_bindings({b});
  EXPECT_EQ(t.slot_for(key("kept.a.test.")), kept);
  EXPECT_EQ(t.slot_for(key("kept.a.test."))->load(), slot_state::secondary) << "state survives a reload";
  auto fresh = t.slot_for(key("gone.a.test."));
  EXPECT_NE(fresh, gone);
  EXPECT_EQ(fresh->load(), slot_state::primary);
  ASSERT_EQ(t.bindings().size(), 1u);
  EXPECT_EQ(t.bindings()[0].key, key("kept.a.test."));
}

}  // namespace
}  // namespace hadns::live
