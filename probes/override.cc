// probes/override.cc -- operator overrides (see override.h).
#include "probes/override.h"

namespace hadns::probes {

bool override_active(const override_entry& o, wall_time now) noexcept {
  return !o.until || now < *o.until;
}

health effective_health(health underlying, const std::optional<override_entry>& o,
                        wall_time now) noexcept {
  if (o && override_active(*o, now)) return o->state;
  return underlying;
}

bool parse_override_state(std::string_view text, std::optional<health>& out) noexcept {
  if (text == "healthy") out = health::healthy;
  else if (text == "unhealthy") out = health::unhealthy;
  else if (text == "auto") out = std::nullopt;
  else return false;
  return true;
}

}  // namespace hadns::probes
