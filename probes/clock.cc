// probes/clock.cc -- the real clock (see clock.h).
#include "probes/clock.h"

namespace hadns::probes {
namespace {

class real_clock final : public clock {
 public:
  instant now() const override {
    return {std::chrono::steady_clock::now(), std::chrono::system_clock::now()};
  }
};

}  // namespace

const clock& system_clock() {
  static const real_clock c;
  return c;
}

}  // namespace hadns::probes
