// tests/probes/decision_test.cc -- the failover truth table.
#include "probes/decision.h"

#include <gtest/gtest.h>

#include "tests/probes/fake_clock.h"

namespace hadns::probes {
namespace {

using live::both_unhealthy_policy;
using live::slot_state;
using testing::at_ms;

decision_input input(health primary, secondary_health secondary,
                     slot_state current = slot_state::primary) {
  decision_input in;
  in.primary = primary;
  in.secondary = secondary;
  in.current = current;
  in.now = at_ms(0).steady;
  return in;
}

TEST(Decision, PrimaryWhileItsCheckIsHealthy) {
  for (auto s : {secondary_health::healthy, secondary_health::unhealthy, secondary_health::unchecked}) {
    decision d = decide(input(health::healthy, s));
    EXPECT_EQ(d.live, slot_state::primary);
    EXPECT_EQ(d.reason, decision_reason::primary_healthy);
  }
}

TEST(Decision, SecondaryWhenPrimaryUnhealthyAndSecondaryUnchecked) {
  decision d = decide(input(health::unhealthy, secondary_health::unchecked));
  EXPECT_EQ(d.live, slot_state::secondary);
  EXPECT_EQ(d.reason, decision_reason::secondary_unchecked);
}

TEST(Decision, SecondaryWhenPrimaryUnhealthyAndSecondaryHealthy) {
  decision d = decide(input(health::unhealthy, secondary_health::healthy));
  EXPECT_EQ(d.live, slot_state::secondary);
  EXPECT_EQ(d.reason, decision_reason::secondary_healthy);
}

TEST(Decision, BothUnhealthyFollowsPolicy) {
  decision_input in = input(health::unhealthy, secondary_health::unhealthy, slot_state::secondary);
  decision d = decide(in);  // default policy
  EXPECT_EQ(d.live, slot_state::primary);
  EXPECT_EQ(d.reason, decision_reason::both_unhealthy);
  in.policy = both_unhealthy_policy::secondary;
  EXPECT_EQ(decide(in).live, slot_state::secondary);
  in.policy = both_unhealthy_policy::servfail;
  EXPECT_EQ(decide(in).live, slot_state::servfail);
  in.policy = both_unhealthy_policy::primary;
  EXPECT_EQ(decide(in).live, slot_state::primary);
}

TEST(Decision, FailsBackAtOnceWithoutDelay) {
  decision d = decide(input(health::healthy, secondary_health::unchecked, slot_state::secondary));
  EXPECT_EQ(d.live, slot_state::primary);
  EXPECT_FALSE(d.recheck_at);
}

TEST(Decision, FailbackDelayHoldsSecondaryUntilPrimaryHealthyThatLong) {
  decision_input in = input(health::healthy, secondary_health::healthy, slot_state::secondary);
  in.failback_delay = std::chrono::milliseconds(5000);
  in.primary_healthy_since = at_ms(1000).steady;
  in.now = at_ms(3000).steady;
  decision d = decide(in);
  EXPECT_EQ(d.live, slot_state::secondary);
  EXPECT_EQ(d.reason, decision_reason::failback_held);
  ASSERT_TRUE(d.recheck_at);
  EXPECT_EQ(*d.recheck_at, at_ms(6000).steady);
  in.now = at_ms(5999).steady;
  EXPECT_EQ(decide(in).live, slot_state::secondary);
  in.now = at_ms(6000).steady;
  d = decide(in);
  EXPECT_EQ(d.live, slot_state::primary);
  EXPECT_FALSE(d.recheck_at);
}

TEST(Decision, FailbackDelayDoesNotHoldAnUnhealthySecondary) {
  decision_input in = input(health::healthy, secondary_health::unhealthy, slot_state::secondary);
  in.failback_delay = std::chrono::milliseconds(5000);
  in.primary_healthy_since = in.now;
  EXPECT_EQ(decide(in).live, slot_state::primary);
}

TEST(Decision, FailbackDelayDoesNotHoldServfail) {
  decision_input in = input(health::healthy, secondary_health::unhealthy, slot_state::servfail);
  in.failback_delay = std::chrono::milliseconds(5000);
  in.primary_healthy_since = in.now;
  EXPECT_EQ(decide(in).live, slot_state::primary);
}

TEST(Decision, FailbackDelayDoesNotDelayTheFailover) {
  decision_input in = input(health::unhealthy, secondary_health::unchecked, slot_state::primary);
  in.failback_delay = std::chrono::milliseconds(5000);
  EXPECT_EQ(decide(in).live, slot_state::secondary);
}

}  // namespace
}  // namespace hadns::probes
