// probes/decision.h -- which side of a failover record set is live: the
// Route 53 failover rules plus failback_delay and both_unhealthy, as one pure
// function of the checks' effective health and the slot's current state.
#pragma once

#include <chrono>
#include <optional>

#include "engine/live/live_table.h"
#include "probes/clock.h"
#include "probes/health.h"

namespace hadns::probes {

// The secondary's check as the decision sees it.
enum class secondary_health : uint8_t { healthy, unhealthy, unchecked };

struct decision_input {
  health primary = health::healthy;
  secondary_health secondary = secondary_health::unchecked;
  live::both_unhealthy_policy policy = live::both_unhealthy_policy::primary;
  live::slot_state current = live::slot_state::primary;  // what is live now
  std::chrono::milliseconds failback_delay{0};
  steady_time primary_healthy_since{};  // when the primary's check last turned healthy
  steady_time now{};
};

enum class decision_reason : uint8_t {
  primary_healthy,
  secondary_unchecked,   // primary unhealthy, secondary has no check
  secondary_healthy,     // primary unhealthy, secondary's check healthy
  both_unhealthy,        // the both_unhealthy policy chose
  failback_held,         // primary healthy, but not yet for failback_delay
};

const char* to_string(decision_reason r) noexcept;

struct decision {
  live::slot_state live = live::slot_state::primary;
  decision_reason reason = decision_reason::primary_healthy;
  std::optional<steady_time> recheck_at;  // failback_held: decide again then

  bool operator==(const decision&) const = default;
};

decision decide(const decision_input& in) noexcept;

}  // namespace hadns::probes
