// tests/probes/board_test.cc -- verdicts, overrides and decisions wired
// together on made-up times, flipping real failover slots.
#include "probes/board.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/probes/fake_clock.h"

namespace hadns::probes {
namespace {

using live::slot_state;
using testing::at_ms;
using ::testing::HasSubstr;

check_spec http_check(const std::string& name, int failure = 3, int recovery = 3) {
  check_spec s;
  s.name = name;
  s.address = "127.0.0.1";
  s.failure_threshold = failure;
  s.recovery_threshold = recovery;
  return s;
}

live::failover_binding binding(const std::string& owner, const std::string& primary,
                               const std::string& secondary = {}) {
  live::failover_binding b;
  b.key = {"demo.test.", "", owner, 1};
  b.slot = std::make_shared<live::failover_slot>();
  b.primary_check = primary;
  b.secondary_check = secondary;
  return b;
}

probe_result ok() { return {true, 1, "status 200", {}}; }
probe_result bad() { return {false, 1, "status 503", {}}; }

struct Board : ::testing::Test {
  std::vector<std::string> lines;
  // Warnings carry a "warn: " prefix so that tests can tell the levels apart.
  board b{[this](log_level lv, const std::string& l) { lines.push_back((lv == log_level::warn ? "warn: " : "") + l); }};

  int count_lines(const std::string& needle) const {
    int n = 0;
    for (const auto& l : lines) n += l.find(needle) != std::string::npos;
    return n;
  }
};

TEST_F(Board, FailsOverAfterThresholdAndFailsBackAfterRecovery) {
  auto rec = binding("app.demo.test.", "eu");
  auto slot = rec.slot;
  b.configure({http_check("eu", 2, 3)}, {rec}, at_ms(0));
  b.record_result("eu", ok(), at_ms(0));
  b.record_result("eu", bad(), at_ms(100));
  EXPECT_EQ(slot->load(), slot_state::primary);
  b.record_result("eu", bad(), at_ms(200));
  EXPECT_EQ(slot->load(), slot_state::secondary);
  b.record_result("eu", bad(), at_ms(300));
  b.record_result("eu", ok(), at_ms(400));
  b.record_result("eu", ok(), at_ms(500));
  EXPECT_EQ(slot->load(), slot_state::secondary);
  b.record_result("eu", ok(), at_ms(600));
  EXPECT_EQ(slot->load(), slot_state::primary);

  EXPECT_EQ(count_lines("health check eu: healthy -> unhealthy (status 503)"), 1);
  EXPECT_EQ(count_lines("health check eu: unhealthy -> healthy (status 200)"), 1);
  EXPECT_EQ(count_lines("failover app.demo.test. A: primary -> secondary"), 1);
  EXPECT_EQ(count_lines("failover app.demo.test. A: secondary -> primary"), 1);
  EXPECT_EQ(lines.size(), 4u) << "one line per event, none per probe";

  status_snapshot s = b.status();
  ASSERT_EQ(s.records.size(), 1u);
  EXPECT_EQ(s.records[0].transitions, 2u);
  EXPECT_EQ(s.records[0].since, at_ms(600).wall);
  ASSERT_EQ(s.checks.size(), 1u);
  EXPECT_EQ(s.checks[0].since, at_ms(600).wall);
  EXPECT_EQ(s.checks[0].probes, 7u);
}

TEST_F(Board, UnhealthySecondaryWithDefaultPolicyAnswersPrimary) {
  auto rec = binding("app.demo.test.", "eu", "us");
  b.configure({http_check("eu", 1, 1), http_check("us", 1, 1)}, {rec}, at_ms(0));
  b.record_result("us", bad(), at_ms(0));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  b.record_result("eu", bad(), at_ms(1));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  b.record_result("us", ok(), at_ms(2));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
}

TEST_F(Board, BothUnhealthyServfailPolicy) {
  auto rec = binding("app.demo.test.", "eu", "us");
  rec.both_unhealthy = live::both_unhealthy_policy::servfail;
  b.configure({http_check("eu", 1, 1), http_check("us", 1, 1)}, {rec}, at_ms(0));
  b.record_result("eu", bad(), at_ms(0));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  b.record_result("us", bad(), at_ms(1));
  EXPECT_EQ(rec.slot->load(), slot_state::servfail);
  EXPECT_EQ(count_lines("both_unhealthy: servfail"), 1);
}

TEST_F(Board, FailbackDelayReleasedByTimer) {
  auto rec = binding("app.demo.test.", "eu");
  rec.failback_delay = std::chrono::milliseconds(1000);
  b.configure({http_check("eu", 1, 1)}, {rec}, at_ms(0));
  b.record_result("eu", bad(), at_ms(0));
  ASSERT_EQ(rec.slot->load(), slot_state::secondary);
  b.record_result("eu", ok(), at_ms(500));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  auto timer = b.next_timer(at_ms(500));
  ASSERT_TRUE(timer);
  EXPECT_EQ(*timer, at_ms(1500).steady);
  b.tick(at_ms(1499));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  b.tick(at_ms(1500));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  EXPECT_FALSE(b.next_timer(at_ms(1500)));
}

TEST_F(Board, FlappingPrimaryRestartsTheFailbackDelay) {
  auto rec = binding("app.demo.test.", "eu");
  rec.failback_delay = std::chrono::milliseconds(1000);
  b.configure({http_check("eu", 1, 1)}, {rec}, at_ms(0));
  b.record_result("eu", bad(), at_ms(0));
  b.record_result("eu", ok(), at_ms(500));
  b.record_result("eu", bad(), at_ms(900));
  b.record_result("eu", ok(), at_ms(1200));
  b.tick(at_ms(1500));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  b.tick(at_ms(2200));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
}

TEST_F(Board, OverrideWinsOverDisabledAndActsAtOnce) {
  check_spec eu = http_check("eu");
  eu.disabled = true;
  auto rec = binding("app.demo.test.", "eu");
  b.configure({eu}, {rec}, at_ms(0));
  ASSERT_TRUE(b.set_override("eu", override_entry{health::unhealthy, std::nullopt}, at_ms(10)));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_EQ(b.status().checks[0].state, health::unhealthy);
  EXPECT_EQ(b.status().checks[0].underlying, health::healthy);
  ASSERT_TRUE(b.set_override("eu", std::nullopt, at_ms(20)));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  EXPECT_EQ(count_lines("override released; disabled"), 1);
}

TEST_F(Board, ReleasedOverrideTakesTheUnderlyingVerdictAtOnce) {
  auto rec = binding("app.demo.test.", "eu");
  b.configure({http_check("eu", 3, 3)}, {rec}, at_ms(0));
  b.set_override("eu", override_entry{health::healthy, std::nullopt}, at_ms(0));
  for (int i = 0; i < 4; ++i) b.record_result("eu", bad(), at_ms(10 + i));
  EXPECT_EQ(rec.slot->load(), slot_state::primary) << "probes run underneath the override";
  b.set_override("eu", std::nullopt, at_ms(20));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
}

TEST_F(Board, OverrideExpiresOnTick) {
  auto rec = binding("app.demo.test.", "eu");
  b.configure({http_check("eu")}, {rec}, at_ms(0));
  b.set_override("eu", override_entry{health::unhealthy, at_ms(60'000).wall}, at_ms(0));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_EQ(b.next_timer(at_ms(0)), at_ms(60'000).steady);
  b.tick(at_ms(59'999));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  b.tick(at_ms(60'000));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  EXPECT_TRUE(b.overrides(at_ms(60'000)).empty());
  EXPECT_EQ(count_lines("override on eu expired"), 1);
}

TEST_F(Board, UnknownCheckOverrideIsRefused) {
  b.configure({http_check("eu")}, {}, at_ms(0));
  EXPECT_FALSE(b.set_override("nope", override_entry{}, at_ms(0)));
}

TEST_F(Board, CalculatedFollowsChildrenIncludingOverrides) {
  check_spec calc;
  calc.name = "both";
  calc.type = check_type::calculated;
  calc.children = {"eu", "us"};
  calc.healthy_threshold = 1;
  auto rec = binding("app.demo.test.", "both");
  b.configure({http_check("eu", 1, 1), http_check("us", 1, 1), calc}, {rec}, at_ms(0));
  b.record_result("eu", bad(), at_ms(1));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  b.set_override("us", override_entry{health::unhealthy, std::nullopt}, at_ms(2));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_EQ(count_lines("health check both: healthy -> unhealthy (0 of 2 children healthy (need 1))"), 1);
  b.record_result("eu", ok(), at_ms(3));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
}

TEST_F(Board, NestedCalculatedChecksSettle) {
  check_spec inner;
  inner.name = "inner";
  inner.type = check_type::calculated;
  inner.children = {"eu"};
  check_spec outer = inner;
  outer.name = "outer";
  outer.children = {"inner"};
  auto rec = binding("app.demo.test.", "outer");
  b.configure({outer, inner, http_check("eu", 1, 1)}, {rec}, at_ms(0));
  b.record_result("eu", bad(), at_ms(1));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
}

TEST_F(Board, ReloadCarriesVerdictsAndOverridesByName) {
  auto rec = binding("app.demo.test.", "eu");
  b.configure({http_check("eu", 2, 2), http_check("us")}, {rec}, at_ms(0));
  b.record_result("eu", ok(), at_ms(0));
  b.record_result("eu", bad(), at_ms(1));
  b.record_result("eu", bad(), at_ms(2));
  ASSERT_EQ(rec.slot->load(), slot_state::secondary);
  b.set_override("us", override_entry{health::unhealthy, std::nullopt}, at_ms(3));
  lines.clear();

  // Same definitions, same slot: nothing moves, nothing is logged.
  auto same = rec;
  b.configure({http_check("eu", 2, 2), http_check("us")}, {same}, at_ms(4));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_TRUE(lines.empty());
  EXPECT_EQ(b.status().records[0].transitions, 1u);

  // A changed definition keeps its verdict and restarts its counters; a
  // removed check loses its override, with a log line.
  b.configure({http_check("eu", 3, 2)}, {same}, at_ms(5));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_EQ(b.status().checks[0].consecutive_fail, 0);
  EXPECT_EQ(count_lines("definition changed"), 1);
  EXPECT_EQ(count_lines("override on us dropped: check removed"), 1);
  EXPECT_TRUE(b.overrides(at_ms(5)).empty());
  b.record_result("eu", ok(), at_ms(6));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  b.record_result("eu", ok(), at_ms(7));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
}

TEST_F(Board, RestoredOverridesDropUnknownAndExpired) {
  auto rec = binding("app.demo.test.", "eu");
  b.configure({http_check("eu"), http_check("us")}, {rec}, at_ms(0));
  b.restore_overrides({{"eu", {health::unhealthy, std::nullopt}},
                       {"gone", {health::unhealthy, std::nullopt}},
                       {"us", {health::unhealthy, at_ms(-1).wall}}},
                      at_ms(0));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_EQ(b.overrides(at_ms(0)).size(), 1u);
  EXPECT_EQ(count_lines("warn: override on gone dropped: no such check"), 1);
  EXPECT_EQ(count_lines("override on us dropped: expired"), 1);
  EXPECT_EQ(count_lines("warn: override on us"), 0) << "an expired override is no surprise";
}

TEST_F(Board, PausedDecisionsDecideOnceOnResume) {
  auto rec = binding("app.demo.test.", "eu");
  b.pause_decisions(true, at_ms(0));
  b.configure({http_check("eu")}, {rec}, at_ms(0));
  b.record_result("eu", bad(), at_ms(1));
  EXPECT_EQ(rec.slot->load(), slot_state::primary);
  b.pause_decisions(false, at_ms(2));
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_THAT(b.status().records[0].why, HasSubstr("primary check eu unhealthy, secondary unchecked"));
}

}  // namespace
}  // namespace hadns::probes
