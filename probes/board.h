// probes/board.h -- the health board: every check's verdict, override and
// last result, every failover record's live side, and the rules that connect
// them. No I/O, no threads, no clock of its own: every call says what time it
// is, so tests drive it with made-up times.
//
// After any event (a probe result, an override, a timer, a reload) the board
// recomputes each check's effective health (override > disabled > calculated
// or probe verdict), logs each change once, re-decides every record and
// flips the slots whose live side changed, one atomic store each, logging
// and counting each flip.
//
// Threads: not thread-safe; the prober calls it under its own mutex.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/live/live_table.h"
#include "probes/check_spec.h"
#include "probes/clock.h"
#include "probes/decision.h"
#include "probes/health.h"
#include "probes/override.h"
#include "probes/status.h"
#include "probes/verdict.h"

namespace hadns::probes {

// How much an event matters: warn for what the operator should act on (a
// state file that cannot be read or written, an override that cannot be
// restored), info for the rest.
enum class log_level : uint8_t { info, warn };

// Receives one line per event (no trailing newline).
using log_fn = std::function<void(log_level level, const std::string& line)>;

class board {
 public:
  explicit board(log_fn log);

  // Sets the checks and records: at start-up, and on every reload. Checks and
  // records are carried over by name (and slot key): an unchanged check keeps
  // everything, a changed one keeps its verdict, override and last result and
  // restarts its counters, a removed one is dropped (its override dropped and
  // logged). Then every record is decided.
  void configure(const std::vector<check_spec>& specs,
                 std::vector<live::failover_binding> bindings, instant now);

  // One probe result for `check`. Returns false for an unknown check.
  bool record_result(const std::string& check, const probe_result& result, instant now);

  // Sets (or with nullopt releases) the override of `check`. Returns false
  // for an unknown check.
  bool set_override(const std::string& check, std::optional<override_entry> o, instant now);

  // Overrides read back from the state file: those of unknown checks and
  // those already expired are dropped and logged.
  void restore_overrides(const std::map<std::string, override_entry>& saved, instant now);

  // Expires overrides and releases failback holds that are due.
  void tick(instant now);

  // While paused, verdicts change but no record is re-decided (the start-up
  // round decides once, after every first result is in).
  void pause_decisions(bool paused, instant now);

  // The earliest time tick() has something to do, if any.
  std::optional<steady_time> next_timer(instant now) const;

  // The overrides in force, by check name (what the state file holds).
  std::map<std::string, override_entry> overrides(instant now) const;

  bool has_check(const std::string& check) const { return checks_.count(check) != 0; }
  std::map<std::string, check_spec> specs() const;

  status_snapshot status() const;

 private:
  struct check_entry {
    check_spec spec;
    verdict_state verdict;
    health calculated = health::healthy;
    std::optional<override_entry> override_state;
    std::optional<probe_result> last;
    uint64_t probes = 0;
    std::map<std::string, uint64_t> failures;  // failed probes by reason
    health effective = health::healthy;
    wall_time since{};
    steady_time since_steady{};
    std::string note;  // why the next transition happens, when an event says so
  };
  struct record_entry {
    live::failover_binding binding;
    wall_time since{};
    uint64_t transitions = 0;
    decision last;
    std::string why;
  };

  void refresh(instant now);
  void recount_calculated(instant now);
  void decide_records(instant now);
  std::string describe(const check_entry& c, instant now) const;
  health effective_of(const std::string& check, bool& known) const;
  std::string why_text(const record_entry& r, const decision& d) const;

  log_fn log_;
  std::map<std::string, check_entry> checks_;
  std::vector<record_entry> records_;
  bool paused_ = false;
};

}  // namespace hadns::probes
