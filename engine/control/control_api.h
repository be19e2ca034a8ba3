// engine/control/control_api.h -- what the control listener asks of the
// daemon. The listener owns HTTP (routes, token, status codes); the daemon
// owns the answers. Keeping the two apart lets the listener be tested with
// a fake daemon and lets the daemon wire probes, shards and reload without
// the listener knowing them.
//
// Threads: callbacks run on the listener's worker threads, several at once
// (one worker per connection). status, metrics and explain only read and
// must be safe to call concurrently with anything; reload and
// override_check change state, and the daemon serialises them itself
// (reloads on its reload lock, overrides and reloads in the prober).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace hadns::control {

// The outcome of a change request.
struct outcome {
  int status = 200;        // 200 ok, 404 unknown check, 422 refused config, 400 bad request
  nlohmann::json body;     // reply JSON; on failure {"error", and for configs "file","line","key"}
};

struct control_api {
  std::function<nlohmann::json()> status;                    // GET /status
  std::function<std::string()> metrics;                      // GET /metrics (Prometheus text)
  std::function<outcome(const std::string& name, const std::string& type,
                        const std::string& from)> explain;   // GET /explain
  std::function<outcome()> reload;                           // POST /reload
  // POST /checks/NAME/override: state is healthy|unhealthy|auto; for_text
  // empty or a duration like "30m".
  std::function<outcome(const std::string& check, const std::string& state,
                        const std::string& for_text)> override_check;
};

}  // namespace hadns::control
