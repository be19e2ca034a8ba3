// tests/probes/override_test.cc -- operator overrides as pure functions.
#include "probes/override.h"

#include <gtest/gtest.h>

#include "tests/probes/fake_clock.h"

namespace hadns::probes {
namespace {

using testing::at_ms;

TEST(Override, WithoutExpiryStaysInForce) {
  override_entry o{health::unhealthy, std::nullopt};
  EXPECT_TRUE(override_active(o, at_ms(0).wall));
  EXPECT_TRUE(override_active(o, at_ms(1'000'000'000).wall));
  EXPECT_EQ(effective_health(health::healthy, o, at_ms(5).wall), health::unhealthy);
}

TEST(Override, ExpiresAtItsUntilTime) {
  override_entry o{health::healthy, at_ms(1000).wall};
  EXPECT_EQ(effective_health(health::unhealthy, o, at_ms(999).wall), health::healthy);
  EXPECT_EQ(effective_health(health::unhealthy, o, at_ms(1000).wall), health::unhealthy);
  EXPECT_FALSE(override_active(o, at_ms(1001).wall));
}

TEST(Override, NoOverrideGivesTheUnderlyingVerdict) {
  EXPECT_EQ(effective_health(health::unhealthy, std::nullopt, at_ms(0).wall), health::unhealthy);
  EXPECT_EQ(effective_health(health::healthy, std::nullopt, at_ms(0).wall), health::healthy);
}

TEST(Override, ParsesStates) {
  std::optional<health> h;
  ASSERT_TRUE(parse_override_state("unhealthy", h));
  EXPECT_EQ(h, health::unhealthy);
  ASSERT_TRUE(parse_override_state("healthy", h));
  EXPECT_EQ(h, health::healthy);
  ASSERT_TRUE(parse_override_state("auto", h));
  EXPECT_FALSE(h.has_value());
  EXPECT_FALSE(parse_override_state("Healthy", h));
  EXPECT_FALSE(parse_override_state("", h));
}

}  // namespace
}  // namespace hadns::probes
