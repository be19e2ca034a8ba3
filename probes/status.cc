// probes/status.cc -- names and times in the words operators read (see status.h).
#include "probes/status.h"

#include <ctime>

#include <fmt/format.h>

#include "engine/wire/rr_type.h"

namespace hadns::probes {

std::string type_mnemonic(uint16_t type) { return wire::type_to_name(type); }

std::string record_text(const live::slot_key& key) {
  std::string t = key.owner + " " + type_mnemonic(key.type);
  if (!key.allow_from.empty()) t += " [" + key.allow_from + "]";
  return t;
}

std::string format_utc(wall_time t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int frac = static_cast<int>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

}  // namespace hadns::probes
