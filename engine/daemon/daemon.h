// engine/daemon/daemon.h -- one running hadnsd: the config it runs on, the
// failover slots, the shards, the probe thread and the control listener,
// started in the order design.md gives and reloaded as a whole.
//
// Start-up (start()): load and compile the config, run every check's first
// round and decide every record, bind every DNS socket and the control
// listener, then serve. Any failure is an exception before anything is
// served. Reload (reload()): load and compile off the hot path, hand the new
// checks and records to the prober (which carries health and overrides over
// by name and decides every record), and only then publish the new Snapshot
// with one pointer store. On failure the running config keeps serving.
//
// Threads: start/stop and the signal loop run on the main thread; reload()
// and override_check() may also be called by the control listener's workers,
// several at once, so reloads serialise on reload_mutex_ (overrides and
// reloads meet in the prober, under its lock). status/metrics/explain may
// run concurrently with anything: they read copies (prober status, shard
// counters, the published Snapshot) and the reload bookkeeping under
// state_mutex_, which is never held for long, so a GET does not wait for a
// reload to compile.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/config/config.h"
#include "engine/control/control_api.h"
#include "engine/control/control_server.h"
#include "engine/io/server.h"
#include "engine/live/live_table.h"
#include "engine/xdp/front_end.h"
#include "probes/prober.h"

namespace hadns::daemon {

// The outcome of a reload, for the log, /reload and /status.
struct reload_result {
  bool ok = false;
  uint64_t generation = 0;
  std::vector<std::string> pending_restart;  // restart-only keys that changed
  std::string error;                         // the whole message
  std::string file, key;
  int line = 0;
};

class daemon {
 public:
  explicit daemon(std::string config_path);
  ~daemon();
  daemon(const daemon&) = delete;
  daemon& operator=(const daemon&) = delete;

  // Everything up to serving. Throws (config_error, io errors, a taken
  // control port) with a message fit for the log.
  void start();
  // SIGHUP and POST /reload.
  reload_result reload();
  // Stops probes, control and shards; logs per-shard counters.
  void stop();
  // Frees Snapshots no shard can see any more; call from time to time.
  void reclaim();

  nlohmann::json status_json();
  std::string metrics_text();
  control::outcome explain(const std::string& name, const std::string& type, const std::string& from);
  control::outcome override_check(const std::string& check, const std::string& state,
                                  const std::string& for_text);

 private:
  control::control_api api();
  reload_result reload_locked();  // under reload_mutex_

  std::string path_;
  config::config cfg_;
  live::live_table slots_;
  std::unique_ptr<xdp::front_end> xdp_;  // outlives server_'s shards, which use its queues
  std::unique_ptr<io::server> server_;
  std::unique_ptr<probes::prober> prober_;
  std::unique_ptr<control::control_server> control_;

  std::mutex reload_mutex_;  // one reload at a time; cfg_ is the reload's
  std::mutex state_mutex_;   // guards the reload bookkeeping below
  uint64_t generation_ = 0;
  std::chrono::system_clock::time_point loaded_at_{};
  std::vector<std::string> pending_restart_;
  std::optional<reload_result> last_failure_;
  uint64_t reloads_ = 0;
  uint64_t reload_failures_ = 0;
};

}  // namespace hadns::daemon
