// probes/decision.cc -- the failover truth table (see decision.h).
#include "probes/decision.h"

namespace hadns::probes {

using live::slot_state;

const char* to_string(decision_reason r) noexcept {
  switch (r) {
    case decision_reason::primary_healthy: return "primary healthy";
    case decision_reason::secondary_unchecked: return "primary unhealthy, secondary unchecked";
    case decision_reason::secondary_healthy: return "primary unhealthy, secondary healthy";
    case decision_reason::both_unhealthy: return "both unhealthy";
    case decision_reason::failback_held: return "failback held";
  }
  return "?";
}

// primary    secondary           live now     primary healthy for     -> live
// ---------  ------------------  -----------  ----------------------  ---------------------
// healthy    unhealthy           any          -                       primary
// healthy    healthy/unchecked   not second.  -                       primary
// healthy    healthy/unchecked   secondary    >= failback_delay       primary (failback)
// healthy    healthy/unchecked   secondary    <  failback_delay       secondary (held; recheck)
// unhealthy  unchecked           any          -                       secondary
// unhealthy  healthy             any          -                       secondary
// unhealthy  unhealthy           any          -                       both_unhealthy policy:
//                                                                     primary (default) |
//                                                                     secondary | servfail
decision decide(const decision_input& in) noexcept {
  const bool secondary_usable = in.secondary != secondary_health::unhealthy;
  if (in.primary == health::healthy) {
    if (secondary_usable && in.current == slot_state::secondary &&
        in.failback_delay.count() > 0) {
      steady_time release = in.primary_healthy_since + in.failback_delay;
      if (in.now < release) return {slot_state::secondary, decision_reason::failback_held, release};
    }
    return {slot_state::primary, decision_reason::primary_healthy, std::nullopt};
  }
  if (in.secondary == secondary_health::unchecked)
    return {slot_state::secondary, decision_reason::secondary_unchecked, std::nullopt};
  if (in.secondary == secondary_health::healthy)
    return {slot_state::secondary, decision_reason::secondary_healthy, std::nullopt};
  switch (in.policy) {
    case live::both_unhealthy_policy::secondary:
      return {slot_state::secondary, decision_reason::both_unhealthy, std::nullopt};
    case live::both_unhealthy_policy::servfail:
      return {slot_state::servfail, decision_reason::both_unhealthy, std::nullopt};
    case live::both_unhealthy_policy::primary:
      break;
  }
  return {slot_state::primary, decision_reason::both_unhealthy, std::nullopt};
}

}  // namespace hadns::probes
