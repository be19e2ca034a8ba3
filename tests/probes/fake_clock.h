// tests/probes/fake_clock.h -- a clock that tests move by hand: the real
// clocks plus an offset, so probe loops keep running while a test jumps
// minutes ahead.
#pragma once

#include <atomic>
#include <chrono>

#include "probes/clock.h"

namespace hadns::probes::testing {

class fake_clock final : public clock {
 public:
  instant now() const override {
    auto off = std::chrono::nanoseconds(offset_ns_.load());
    return {std::chrono::steady_clock::now() + off,
            std::chrono::system_clock::now() + std::chrono::duration_cast<wall_time::duration>(off)};
  }
  void advance(std::chrono::nanoseconds d) { offset_ns_ += d.count(); }

 private:
  std::atomic<int64_t> offset_ns_{0};
};

// A fixed instant plus `ms`, for driving pure code.
inline instant at_ms(int64_t ms) {
  static const instant base{steady_time{} + std::chrono::hours(1000),
                            wall_time{} + std::chrono::hours(24 * 365 * 54)};
  return {base.steady + std::chrono::milliseconds(ms),
          base.wall + std::chrono::duration_cast<wall_time::duration>(std::chrono::milliseconds(ms))};
}

}  // namespace hadns::probes::testing
