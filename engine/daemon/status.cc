// engine/daemon/status.cc -- GET /status and POST /checks/NAME/override.
#include <fmt/core.h>

#include "engine/config/values.h"
#include "engine/daemon/daemon.h"
#include "engine/io/log.h"
#include "probes/override.h"
#include "probes/status_json.h"

namespace hadns::daemon {

nlohmann::json daemon::status_json() {
  probes::status_snapshot s = prober_->status();
  nlohmann::json j;
  j["checks"] = probes::checks_json(s);
  j["records"] = probes::records_json(s);
  std::lock_guard lock(state_mutex_);
  nlohmann::json cfg{{"generation", generation_},
                     {"loaded_at", probes::format_utc(loaded_at_)},
                     {"file", path_},
                     {"pending_restart", pending_restart_}};
  if (last_failure_) {
    cfg["last_error"] = {{"error", last_failure_->error}, {"file", last_failure_->file},
                         {"line", last_failure_->line}, {"key", last_failure_->key}};
  }
  j["config"] = cfg;
  return j;
}

control::outcome daemon::override_check(const std::string& check, const std::string& state,
                                        const std::string& for_text) {
  std::optional<probes::health> target;
  if (!probes::parse_override_state(state, target))
    return {400, {{"error", "state must be healthy, unhealthy or auto"}}};
  std::optional<probes::wall_time> until;
  if (!for_text.empty()) {
    if (!target) return {400, {{"error", "\"for\" applies to healthy or unhealthy, not auto"}}};
    try {
      auto d = config::parse_duration(for_text);
      if (d.count() <= 0) throw std::invalid_argument("must be positive");
      until = prober_->now().wall + d;
    } catch (const std::exception& e) {
      return {400, {{"error", fmt::format("bad duration '{}': {} (expected e.g. 30m, 2h, 90s)", for_text, e.what())}}};
    }
  }
  probes::override_outcome o = prober_->set_override(check, target, until);
  if (!o.known) return {404, {{"error", fmt::format("unknown health check '{}'", check)}}};
  io::log::info("override: check {} set to {}{}{}", check, state, for_text.empty() ? "" : " for ",
                for_text);
  nlohmann::json body{{"check", check}, {"override", state}, {"persisted", o.persisted}};
  if (until) body["until"] = probes::format_utc(*until);
  for (const auto& c : prober_->status().checks)
    if (c.name == check) body["state"] = probes::to_string(c.state);
  if (!o.persisted) {
    body["persist_error"] = o.error;
    io::log::warn("override of {} applies but was not saved: {}", check, o.error);
  }
  return {200, body};
}

}  // namespace hadns::daemon
