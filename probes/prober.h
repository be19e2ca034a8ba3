// probes/prober.h -- the probe engine: runs every health check on one probe
// thread and keeps the failover slots in line with the verdicts.
//
// Usage (the daemon):
//   probes::prober p(specs, live.bindings(), log, probes::system_clock(), state_file);
//   p.start();         // first round of every check, decides every record
//   ... open listeners ...
//   p.update(new_specs, new_bindings);   // on reload, before publishing
//   p.set_override("eu-web", health::unhealthy, until);  // control listener
//   p.status();        // /status, /metrics, /explain
//   p.stop();
//
// All checks run concurrently on the one probe thread: HTTP/HTTPS transfers
// in one libcurl multi handle, TCP connects polled in the same
// curl_multi_poll wait. start() runs every check's first round at once and
// returns when all are in (bounded by the longest timeout); after that each
// check runs every `interval` from a random phase within its first interval.
//
// Threads: every public member may be called from any thread. The board
// (verdicts, overrides, decisions) sits behind one mutex; slot stores happen
// under it, from the probe thread or from the caller of set_override /
// update, so the slots have one writer at a time. update() and
// set_override() take effect (and flip slots) before they return. The log
// callback runs under that mutex (on any of those threads): it must be quick
// and must not call back into the prober.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/live/live_table.h"
#include "probes/board.h"
#include "probes/check_spec.h"
#include "probes/clock.h"
#include "probes/health.h"
#include "probes/status.h"

namespace hadns::probes {

struct override_outcome {
  bool known = false;      // false: no such check (nothing changed; 404)
  bool persisted = true;   // false: in force, but the state file could not be written
  std::string error;       // why it was not persisted
};

class prober {
 public:
  // `state_file` empty: overrides are not persisted. Otherwise its overrides
  // are loaded now (expired ones and those of unknown checks dropped and
  // logged) and it is rewritten after every override change.
  prober(std::vector<check_spec> checks, std::vector<live::failover_binding> bindings, log_fn log,
         const clock& time = system_clock(), std::string state_file = {});
  ~prober();
  prober(const prober&) = delete;
  prober& operator=(const prober&) = delete;

  // Runs the first round of every check (blocking, bounded by the checks'
  // timeouts), decides and flips every record, then starts the probe thread.
  void start();
  // Stops the probe thread, abandoning probes in flight. Idempotent.
  void stop();

  // Forces `check` healthy/unhealthy (optionally until `until`), or with
  // nullopt releases it (auto).
  override_outcome set_override(const std::string& check, std::optional<health> state,
                                std::optional<wall_time> until = std::nullopt);

  // A reload: carries verdicts, counters, timers and overrides over by name,
  // re-decides every record (flipping slots) and returns. New and changed
  // checks are probed at once; removed ones stop.
  void update(std::vector<check_spec> checks, std::vector<live::failover_binding> bindings);

  // A reload naming another state file: the overrides in force are written
  // to `path` now (the running process's overrides win over whatever the
  // file holds) and every later change goes there. Empty: stop persisting.
  // Returns what failed, or an empty string.
  std::string set_state_file(std::string path);

  status_snapshot status() const;

  // The clock the prober runs on (tests and "until" computations).
  instant now() const { return clock_.now(); }

 private:
  struct scheduled {
    check_spec spec;
    uint64_t generation = 0;
    steady_time next_due{};
    bool first = true;       // not launched yet: launch at once, then jitter
    bool in_flight = false;
  };
  struct in_flight;
  struct launch {
    std::string check;
    check_spec spec;
    uint64_t generation;
  };
  struct finished {
    std::string check;
    uint64_t generation;
    probe_result result;
  };

  void set_schedule(const std::vector<check_spec>& checks, instant now);
  void run();
  void turn(bool first_round);
  std::vector<launch> due(instant now, bool first_round);
  void start_probe(const launch& l, instant now, std::vector<finished>& done);
  void collect(std::vector<finished>& done);
  void apply(std::vector<finished>& done);
  void wait(bool first_round);
  std::string persist(const std::map<std::string, override_entry>& overrides);
  void wake_loop();

  const clock& clock_;
  log_fn log_;
  std::string state_file_;  // guarded by persist_mutex_ once constructed

  mutable std::mutex mutex_;  // guards board_, schedule_, rng_
  board board_;
  std::map<std::string, scheduled> schedule_;
  std::mt19937_64 rng_;
  uint64_t next_generation_ = 1;

  std::mutex persist_mutex_;  // orders state file writes

  // Probe-thread state (used by start() before the thread exists).
  void* multi_ = nullptr;     // CURLM*
  std::vector<std::unique_ptr<in_flight>> flights_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
};

}  // namespace hadns::probes
