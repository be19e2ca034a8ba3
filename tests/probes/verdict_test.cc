// tests/probes/verdict_test.cc -- the verdict state machine.
#include "probes/verdict.h"

#include <gtest/gtest.h>

namespace hadns::probes {
namespace {

verdict_state feed(verdict_state s, std::initializer_list<bool> results, thresholds t) {
  for (bool ok : results) s = count_result(s, ok, t);
  return s;
}

TEST(Verdict, NewCheckStartsHealthy) {
  verdict_state s;
  EXPECT_EQ(s.state, health::healthy);
  EXPECT_TRUE(s.fresh);
}

TEST(Verdict, FirstResultSetsVerdict) {
  thresholds t{3, 3, false};
  EXPECT_EQ(count_result({}, false, t).state, health::unhealthy);
  EXPECT_EQ(count_result({}, true, t).state, health::healthy);
  EXPECT_FALSE(count_result({}, true, t).fresh);
}

TEST(Verdict, TurnsUnhealthyAfterFailureThresholdConsecutiveFailures) {
  thresholds t{3, 3, false};
  verdict_state s = feed({}, {true, false, false}, t);
  EXPECT_EQ(s.state, health::healthy);
  s = count_result(s, false, t);
  EXPECT_EQ(s.state, health::unhealthy);
}

TEST(Verdict, SuccessInBetweenRestartsTheFailureCount) {
  thresholds t{3, 3, false};
  verdict_state s = feed({}, {true, false, false, true, false, false}, t);
  EXPECT_EQ(s.state, health::healthy);
  EXPECT_EQ(s.consecutive_fail, 2);
}

TEST(Verdict, TurnsHealthyAfterRecoveryThresholdConsecutiveSuccesses) {
  thresholds t{1, 4, false};
  verdict_state s = feed({}, {true, false}, t);
  ASSERT_EQ(s.state, health::unhealthy);
  s = feed(s, {true, true, true}, t);
  EXPECT_EQ(s.state, health::unhealthy);
  s = feed(s, {false, true, true, true}, t);
  EXPECT_EQ(s.state, health::unhealthy);
  s = count_result(s, true, t);
  EXPECT_EQ(s.state, health::healthy);
}

TEST(Verdict, ThresholdOfOneFlipsEachWayAtOnce) {
  thresholds t{1, 1, false};
  verdict_state s = feed({}, {true}, t);
  EXPECT_EQ(count_result(s, false, t).state, health::unhealthy);
  EXPECT_EQ(feed(s, {false, true}, t).state, health::healthy);
}

TEST(Verdict, InvertSwapsEachResultBeforeCounting) {
  thresholds t{2, 2, true};
  verdict_state s = feed({}, {false}, t);  // inverted: a success
  EXPECT_EQ(s.state, health::healthy);
  s = feed(s, {true}, t);
  EXPECT_EQ(s.state, health::healthy);
  s = feed(s, {true}, t);
  EXPECT_EQ(s.state, health::unhealthy);
  s = feed(s, {false, false}, t);
  EXPECT_EQ(s.state, health::healthy);
}

TEST(Verdict, RestartCountersKeepsTheVerdict) {
  thresholds t{2, 2, false};
  verdict_state s = feed({}, {true, false}, t);
  ASSERT_EQ(s.consecutive_fail, 1);
  s = restart_counters(s);
  EXPECT_EQ(s.state, health::healthy);
  EXPECT_EQ(s.consecutive_fail, 0);
  s = count_result(s, false, t);
  EXPECT_EQ(s.state, health::healthy);  // the count started again
}

TEST(Verdict, DisabledCheckIsHealthy) {
  check_spec spec;
  spec.disabled = true;
  verdict_state down = feed({}, {false}, thresholds_of(spec));
  ASSERT_EQ(down.state, health::unhealthy);
  EXPECT_EQ(underlying_health(spec, down, health::unhealthy), health::healthy);
  spec.disabled = false;
  EXPECT_EQ(underlying_health(spec, down, health::healthy), health::unhealthy);
}

TEST(Verdict, CalculatedNeedsAllChildrenByDefault) {
  EXPECT_EQ(calculated_health(3, 3, -1), health::healthy);
  EXPECT_EQ(calculated_health(2, 3, -1), health::unhealthy);
}

TEST(Verdict, CalculatedFollowsHealthyThreshold) {
  EXPECT_EQ(calculated_health(2, 3, 2), health::healthy);
  EXPECT_EQ(calculated_health(1, 3, 2), health::unhealthy);
  EXPECT_EQ(calculated_health(0, 3, 0), health::healthy);
}

TEST(Verdict, CalculatedUsesItsChildrenNotProbes) {
  check_spec spec;
  spec.type = check_type::calculated;
  EXPECT_EQ(underlying_health(spec, {}, health::unhealthy), health::unhealthy);
}

}  // namespace
}  // namespace hadns::probes
