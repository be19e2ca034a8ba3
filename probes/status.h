// probes/status.h -- a read-only snapshot of every check and failover record,
// for the control listener (/status, /explain) and /metrics.
//
// Plain data copied out under the prober's lock; readers keep it as long as
// they like.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/live/live_table.h"
#include "probes/check_spec.h"
#include "probes/clock.h"
#include "probes/health.h"
#include "probes/override.h"

namespace hadns::probes {

struct check_status {
  std::string name;
  check_type type = check_type::http;
  health state = health::healthy;       // what the decisions use (override applied)
  health underlying = health::healthy;  // the check's own verdict, under any override
  bool disabled = false;
  std::optional<override_entry> override_state;  // the override in force, if any
  bool invert = false;                  // results are swapped before the thresholds count them
  std::optional<probe_result> last;     // the last probe as it went (calculated: last recount)
  wall_time since{};                    // when `state` last changed (or the check appeared)
  int consecutive_ok = 0;
  int consecutive_fail = 0;
  uint64_t probes = 0;                  // probe results counted since the check appeared
  std::map<std::string, uint64_t> failures;  // failed probes by reason, since the check appeared
};

struct record_status {
  live::slot_key key;
  live::slot_state live = live::slot_state::primary;
  wall_time since{};                    // when `live` last changed (or the record appeared)
  uint64_t transitions = 0;             // flips since the record appeared
  std::string primary_check;
  std::string secondary_check;          // empty = unchecked
  std::string why;                      // the last decision, in words
};

struct status_snapshot {
  std::vector<check_status> checks;     // sorted by name
  std::vector<record_status> records;   // in binding order
};

// Whether the last result counted as a success: the probe's own result,
// swapped for an `invert` check. False when there is no result yet.
inline bool counted_ok(const check_status& c) { return c.last && c.last->ok != c.invert; }

// "A", "AAAA", ... or "TYPE65280" for a number without a mnemonic.
std::string type_mnemonic(uint16_t type);

// "app.demo.test. A" (+ " [10.0.0.0/8]" for a private view).
std::string record_text(const live::slot_key& key);

// RFC 3339 UTC with milliseconds: "2024-05-01T12:00:00.000Z".
std::string format_utc(wall_time t);

}  // namespace hadns::probes
