// probes/clock.h -- the probe thread's sense of time, injectable for tests.
//
// Every time the probes read comes from one `clock`: a steady time for
// schedules, timeouts and failback_delay, and a UTC wall-clock time for what
// operators see (override expiry, "since", "at"). Tests pass a fake clock
// that they move forward; the daemon uses system_clock().
//
// Threads: now() may be called from any thread.
#pragma once

#include <chrono>

namespace hadns::probes {

using steady_time = std::chrono::steady_clock::time_point;
using wall_time = std::chrono::system_clock::time_point;

// One reading of both clocks.
struct instant {
  steady_time steady;
  wall_time wall;
};

class clock {
 public:
  virtual ~clock() = default;
  virtual instant now() const = 0;
};

// The real clocks.
const clock& system_clock();

}  // namespace hadns::probes
