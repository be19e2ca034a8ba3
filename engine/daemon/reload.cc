// engine/daemon/reload.cc -- reload: all-or-nothing, health carried over,
// Snapshot published only after every record is decided; the service
// manager hears RELOADING=1 before and READY=1 after, whatever the outcome.
#include <fmt/core.h>

#include "engine/config/loader.h"
#include "engine/config/reload_diff.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/notify.h"
#include "engine/io/log.h"
#include "engine/zone/compile.h"
#include "engine/zone/zone_file.h"
#include "probes/from_config.h"

namespace hadns::daemon {

reload_result daemon::reload() {
  std::lock_guard lock(reload_mutex_);
  notify::reloading();
  reload_result r = reload_locked();
  uint64_t generation = 0;
  {
    std::lock_guard state(state_mutex_);
    generation = generation_;
  }
  notify::ready(r.ok ? fmt::format("serving, config generation {}", generation)
                     : fmt::format("serving config generation {}; reload refused: {}", generation, r.error));
  return r;
}

reload_result daemon::reload_locked() {
  reload_result r;
  io::log::info("reload: loading {}", path_);
  try {
    config::config next = config::load_config(path_);
    zone::compiled compiled = zone::compile(next, slots_);
    // A new state_file takes effect now: the overrides in force (which a
    // reload keeps) are written to it, and later changes go there too.
    if (next.control.state_file != cfg_.control.state_file) {
      io::log::info("reload: state file is now {}", next.control.state_file);
      std::string err = prober_->set_state_file(next.control.state_file);
      if (!err.empty()) io::log::warn("reload: overrides not written to the new state file: {}", err);
    }
    // The prober carries verdicts, timers and overrides over by name and
    // decides every record (flipping new slots) before the new Snapshot
    // becomes visible, so no answer comes from an undecided slot.
    prober_->update(probes::specs_from_config(next), compiled.bindings);
    slots_.set_bindings(compiled.bindings);
    server_->snapshots().publish(compiled.snap);
    compiled.snap.reset();
    server_->apply(next.server);
    if (control_) control_->set_token(next.control.token);

    r.pending_restart = config::restart_only_changes(cfg_, next);
    for (const auto& key : r.pending_restart)
      io::log::warn("reload: {} changed; it takes effect only after a restart", key);
    // Restart-only settings keep their running values, so that the next
    // diff still reports them and /status says what the process runs on.
    next.server.listen = cfg_.server.listen;
    next.server.shards = cfg_.server.shards;
    next.server.user = cfg_.server.user;
    next.control.listen = cfg_.control.listen;
    cfg_ = std::move(next);

    for (const auto& z : compiled.zones)
      io::log::info("zone {} ({}): {} record(s), {} failover set(s)", z.origin, z.view, z.records, z.failover);
    r.ok = true;
    {
      std::lock_guard state(state_mutex_);
      r.generation = ++generation_;
      loaded_at_ = std::chrono::system_clock::now();
      pending_restart_ = r.pending_restart;
      last_failure_.reset();
      ++reloads_;
    }
    io::log::info("reload: done, generation {}", r.generation);
    return r;
  } catch (const config::config_error& e) {
    r.error = e.what();
    r.file = e.file();
    r.line = e.line();
    r.key = e.key();
  } catch (const zone::zone_file_error& e) {
    r.error = e.what();
    r.file = e.file();
    r.line = e.line();
  } catch (const std::exception& e) {
    r.error = fmt::format("{}: {}", path_, e.what());
    r.file = path_;
  }
  {
    std::lock_guard state(state_mutex_);
    ++reload_failures_;
    last_failure_ = r;
  }
  io::log::error("reload failed, the running config keeps serving: {}", r.error);
  return r;
}

}  // namespace hadns::daemon
