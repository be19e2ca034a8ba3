// probes/health.h -- the two words every part of probes/ speaks: a check's
// health and one probe's result.
#pragma once

#include <cstdint>
#include <string>

#include "probes/clock.h"

namespace hadns::probes {

enum class health : uint8_t { healthy, unhealthy };

const char* to_string(health h) noexcept;

// The outcome of one probe of one check.
struct probe_result {
  bool ok = false;
  double latency_ms = 0;
  std::string reason;  // "ok", "connect refused", "timeout", "status 503", "string not found", ...
  wall_time at{};      // when the probe finished
};

}  // namespace hadns::probes
