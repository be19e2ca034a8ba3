// probes/state_file.h -- operator overrides kept across restarts.
//
// The file is JSON: {"overrides": {"NAME": {"state": "healthy"|"unhealthy",
// "until": "2024-05-01T12:00:00.000Z" | null}}}. It is written to a
// temporary file beside it and renamed over it, so a crash leaves the old or
// the new file, never half of one. Expired entries are dropped at load.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "probes/clock.h"
#include "probes/override.h"

namespace hadns::probes {

struct loaded_state {
  std::map<std::string, override_entry> overrides;  // in force at `now`
  std::vector<std::string> expired;                 // names dropped because expired
  std::string error;                                // non-empty: unreadable or malformed
};

// A missing file is an empty state, not an error.
loaded_state load_state_file(const std::string& path, wall_time now);

// Returns an empty string on success, else what failed (with errno text).
std::string save_state_file(const std::string& path,
                            const std::map<std::string, override_entry>& overrides);

}  // namespace hadns::probes
