// probes/override.h -- operator overrides (maintenance), as pure functions.
//
// An override forces a check healthy or unhealthy, optionally until a UTC
// wall-clock time. It wins over everything else (disabled included) and acts
// at once; the probes keep running underneath, so on release or expiry the
// check takes its underlying verdict at once.
#pragma once

#include <optional>
#include <string_view>

#include "probes/clock.h"
#include "probes/health.h"

namespace hadns::probes {

struct override_entry {
  health state = health::unhealthy;
  std::optional<wall_time> until;  // nullopt = until released

  bool operator==(const override_entry&) const = default;
};

// True while `o` is in force at `now` (an expiry at or before now has passed).
bool override_active(const override_entry& o, wall_time now) noexcept;

// The health the world sees: the override while it is active, else the
// check's own verdict.
health effective_health(health underlying, const std::optional<override_entry>& o,
                        wall_time now) noexcept;

// "healthy" | "unhealthy" | "auto" (auto = release). Returns false for
// anything else; `out` is nullopt for auto.
bool parse_override_state(std::string_view text, std::optional<health>& out) noexcept;

}  // namespace hadns::probes
