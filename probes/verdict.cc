// probes/verdict.cc -- the verdict state machine (see verdict.h).
#include "probes/verdict.h"

#include <algorithm>

namespace hadns::probes {

const char* to_string(health h) noexcept { return h == health::healthy ? "healthy" : "unhealthy"; }

thresholds thresholds_of(const check_spec& spec) noexcept {
  return {std::max(1, spec.failure_threshold), std::max(1, spec.recovery_threshold), spec.invert};
}

verdict_state count_result(verdict_state s, bool ok, const thresholds& t) noexcept {
  if (t.invert) ok = !ok;
  if (ok) {
    s.consecutive_ok++;
    s.consecutive_fail = 0;
  } else {
    s.consecutive_fail++;
    s.consecutive_ok = 0;
  }
  if (s.fresh) {
    s.fresh = false;
    s.state = ok ? health::healthy : health::unhealthy;
    return s;
  }
  if (s.state == health::healthy && s.consecutive_fail >= t.failure) s.state = health::unhealthy;
  if (s.state == health::unhealthy && s.consecutive_ok >= t.recovery) s.state = health::healthy;
  return s;
}

verdict_state restart_counters(verdict_state s) noexcept {
  s.consecutive_ok = 0;
  s.consecutive_fail = 0;
  return s;
}

health calculated_health(int healthy_children, int children, int healthy_threshold) noexcept {
  int need = healthy_threshold < 0 ? children : healthy_threshold;
  return healthy_children >= need ? health::healthy : health::unhealthy;
}

health underlying_health(const check_spec& spec, const verdict_state& probed,
                         health calculated) noexcept {
  if (spec.disabled) return health::healthy;
  if (spec.type == check_type::calculated) return calculated;
  return probed.state;
}

}  // namespace hadns::probes
