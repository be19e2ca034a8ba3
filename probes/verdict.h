// probes/verdict.h -- the verdict state machine: from probe results to a
// check's health, with hysteresis. Pure functions, no clock, no I/O.
//
// A new check starts healthy and its first result sets its verdict (there is
// no history to smooth yet; this is what lets the start-up round give right
// answers before the listeners open). After that a healthy check turns
// unhealthy after `failure_threshold` consecutive failures and an unhealthy
// one turns healthy after `recovery_threshold` consecutive successes.
// `invert` swaps each result before it is counted. A disabled check is
// healthy. A calculated check is healthy when at least `healthy_threshold`
// (-1: all) of its children are healthy.
#pragma once

#include "probes/check_spec.h"
#include "probes/health.h"

namespace hadns::probes {

struct verdict_state {
  health state = health::healthy;  // a new check starts healthy
  bool fresh = true;               // no result counted yet
  int consecutive_ok = 0;
  int consecutive_fail = 0;

  bool operator==(const verdict_state&) const = default;
};

struct thresholds {
  int failure = 3;
  int recovery = 3;
  bool invert = false;
};

thresholds thresholds_of(const check_spec& spec) noexcept;

// Counts one probe result (`ok` as the probe saw it, before invert).
verdict_state count_result(verdict_state s, bool ok, const thresholds& t) noexcept;

// The same check after its definition changed: keeps its verdict, restarts
// its counters (and, not being fresh, keeps its hysteresis).
verdict_state restart_counters(verdict_state s) noexcept;

// A calculated check's health from its children.
health calculated_health(int healthy_children, int children, int healthy_threshold) noexcept;

// What a check's own rules say (before any operator override).
health underlying_health(const check_spec& spec, const verdict_state& probed,
                         health calculated) noexcept;

}  // namespace hadns::probes
