// probes/board.cc -- verdicts, overrides and decisions wired together (see board.h).
#include "probes/board.h"

#include <algorithm>

#include <fmt/format.h>

namespace hadns::probes {
namespace {

const char* policy_text(live::both_unhealthy_policy p) {
  switch (p) {
    case live::both_unhealthy_policy::primary: return "primary";
    case live::both_unhealthy_policy::secondary: return "secondary";
    case live::both_unhealthy_policy::servfail: return "servfail";
  }
  return "?";
}

std::string override_text(const override_entry& o) {
  std::string t = fmt::format("override {}", to_string(o.state));
  if (o.until) t += " until " + format_utc(*o.until);
  return t;
}

}  // namespace

board::board(log_fn log) : log_(std::move(log)) {
  if (!log_) log_ = [](log_level, const std::string&) {};
}

void board::configure(const std::vector<check_spec>& specs,
                      std::vector<live::failover_binding> bindings, instant now) {
  std::map<std::string, check_entry> next;
  for (const check_spec& spec : specs) {
    auto old = checks_.find(spec.name);
    check_entry entry;
    if (old != checks_.end()) {
      entry = std::move(old->second);
      if (!(entry.spec == spec)) {
        entry.verdict = restart_counters(entry.verdict);
        log_(log_level::info, fmt::format("health check {}: definition changed, counters restarted", spec.name));
      }
      checks_.erase(old);
    } else {
      entry.since = now.wall;
      entry.since_steady = now.steady;
    }
    entry.spec = spec;
    next.emplace(spec.name, std::move(entry));
  }
  for (const auto& [name, entry] : checks_) {
    if (entry.override_state)
      log_(log_level::info, fmt::format("override on {} dropped: check removed ({})", name,
                       override_text(*entry.override_state)));
  }
  checks_ = std::move(next);

  std::vector<record_entry> records;
  for (live::failover_binding& b : bindings) {
    record_entry r;
    auto old = std::find_if(records_.begin(), records_.end(),
                            [&](const record_entry& o) { return o.binding.key == b.key; });
    if (old != records_.end()) {
      r.since = old->since;
      r.transitions = old->transitions;
      r.last = old->last;
      r.why = old->why;
    } else {
      r.since = now.wall;
    }
    r.binding = std::move(b);
    records.push_back(std::move(r));
  }
  records_ = std::move(records);
  refresh(now);
}

bool board::record_result(const std::string& check, const probe_result& result, instant now) {
  auto it = checks_.find(check);
  if (it == checks_.end()) return false;
  check_entry& c = it->second;
  c.last = result;
  c.probes++;
  if (!result.ok) c.failures[result.reason]++;
  if (c.spec.probed()) c.verdict = count_result(c.verdict, result.ok, thresholds_of(c.spec));
  refresh(now);
  return true;
}

bool board::set_override(const std::string& check, std::optional<override_entry> o, instant now) {
  auto it = checks_.find(check);
  if (it == checks_.end()) return false;
  check_entry& c = it->second;
  if (o) {
    log_(log_level::info, fmt::format("override on {}: {}", check, override_text(*o)));
  } else if (c.override_state) {
    log_(log_level::info, fmt::format("override on {} released", check));
    c.note = "override released";
  }
  c.override_state = o;
  refresh(now);
  return true;
}

void board::restore_overrides(const std::map<std::string, override_entry>& saved, instant now) {
  for (const auto& [name, o] : saved) {
    auto it = checks_.find(name);
    if (it == checks_.end()) {
      log_(log_level::warn, fmt::format("override on {} dropped: no such check ({})", name, override_text(o)));
    } else if (!override_active(o, now.wall)) {
      log_(log_level::info, fmt::format("override on {} dropped: expired ({})", name, override_text(o)));
    } else {
      log_(log_level::info, fmt::format("override on {} restored: {}", name, override_text(o)));
      it->second.override_state = o;
    }
  }
  refresh(now);
}

void board::tick(instant now) {
  bool due = false;
  for (auto& [name, c] : checks_) {
    if (c.override_state && !override_active(*c.override_state, now.wall)) {
      log_(log_level::info, fmt::format("override on {} expired ({})", name, override_text(*c.override_state)));
      c.override_state.reset();
      c.note = "override expired";
      due = true;
    }
  }
  for (const record_entry& r : records_)
    if (r.last.recheck_at && *r.last.recheck_at <= now.steady) due = true;
  if (due) refresh(now);
}

void board::pause_decisions(bool paused, instant now) {
  paused_ = paused;
  if (!paused_) decide_records(now);
}

std::optional<steady_time> board::next_timer(instant now) const {
  std::optional<steady_time> next;
  auto consider = [&](steady_time t) {
    if (!next || t < *next) next = t;
  };
  for (const auto& [name, c] : checks_)
    if (c.override_state && c.override_state->until)
      consider(now.steady + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                *c.override_state->until - now.wall));
  for (const record_entry& r : records_)
    if (r.last.recheck_at) consider(*r.last.recheck_at);
  return next;
}

std::map<std::string, override_entry> board::overrides(instant now) const {
  std::map<std::string, override_entry> out;
  for (const auto& [name, c] : checks_)
    if (c.override_state && override_active(*c.override_state, now.wall))
      out.emplace(name, *c.override_state);
  return out;
}

std::map<std::string, check_spec> board::specs() const {
  std::map<std::string, check_spec> out;
  for (const auto& [name, c] : checks_) out.emplace(name, c.spec);
  return out;
}

std::string board::describe(const check_entry& c, instant now) const {
  if (c.override_state && override_active(*c.override_state, now.wall))
    return override_text(*c.override_state);
  if (c.spec.disabled) return "disabled";
  if (c.last) return c.last->reason;
  return "no result yet";
}

void board::refresh(instant now) {
  // Effective health of every check, calculated checks last and repeated
  // until nothing moves (they may follow other calculated checks).
  std::map<std::string, health> eff;
  for (const auto& [name, c] : checks_)
    eff[name] = effective_health(underlying_health(c.spec, c.verdict, c.calculated),
                                 c.override_state, now.wall);
  for (size_t pass = 0; pass <= checks_.size(); ++pass) {
    bool moved = false;
    for (auto& [name, c] : checks_) {
      if (c.spec.type != check_type::calculated) continue;
      int healthy = 0;
      for (const std::string& child : c.spec.children) {
        auto e = eff.find(child);
        if (e != eff.end() && e->second == health::healthy) healthy++;
      }
      const int total = static_cast<int>(c.spec.children.size());
      health calc = calculated_health(healthy, total, c.spec.healthy_threshold);
      std::string reason = fmt::format("{} of {} children healthy (need {})", healthy, total,
                                       c.spec.healthy_threshold < 0 ? total : c.spec.healthy_threshold);
      if (!c.last || c.last->reason != reason)
        c.last = probe_result{calc == health::healthy, 0, reason, now.wall};
      c.calculated = calc;
      health e = effective_health(underlying_health(c.spec, c.verdict, calc), c.override_state, now.wall);
      if (eff[name] != e) {
        eff[name] = e;
        moved = true;
      }
    }
    if (!moved) break;
  }
  for (auto& [name, c] : checks_) {
    health e = eff[name];
    if (e != c.effective) {
      std::string why = describe(c, now);
      if (!c.note.empty()) why = c.note + "; " + why;
      log_(log_level::info, fmt::format("health check {}: {} -> {} ({})", name, to_string(c.effective), to_string(e), why));
      c.effective = e;
      c.since = now.wall;
      c.since_steady = now.steady;
    }
    c.note.clear();
  }
  if (!paused_) decide_records(now);
}

health board::effective_of(const std::string& check, bool& known) const {
  auto it = checks_.find(check);
  known = it != checks_.end();
  return known ? it->second.effective : health::healthy;
}

std::string board::why_text(const record_entry& r, const decision& d) const {
  const std::string& p = r.binding.primary_check;
  const std::string& s = r.binding.secondary_check;
  switch (d.reason) {
    case decision_reason::primary_healthy:
      return fmt::format("primary check {} healthy", p);
    case decision_reason::secondary_unchecked:
      return fmt::format("primary check {} unhealthy, secondary unchecked", p);
    case decision_reason::secondary_healthy:
      return fmt::format("primary check {} unhealthy, secondary check {} healthy", p, s);
    case decision_reason::both_unhealthy:
      return fmt::format("primary check {} and secondary check {} unhealthy, both_unhealthy: {}", p, s,
                         policy_text(r.binding.both_unhealthy));
    case decision_reason::failback_held:
      return fmt::format("primary check {} healthy, failback held for {}ms", p,
                         r.binding.failback_delay.count());
  }
  return "?";
}

void board::decide_records(instant now) {
  for (record_entry& r : records_) {
    if (!r.binding.slot) continue;
    decision_input in;
    bool known = false;
    in.primary = effective_of(r.binding.primary_check, known);
    if (known) in.primary_healthy_since = checks_.at(r.binding.primary_check).since_steady;
    if (r.binding.secondary_check.empty()) {
      in.secondary = secondary_health::unchecked;
    } else {
      health s = effective_of(r.binding.secondary_check, known);
      in.secondary = !known ? secondary_health::unchecked
                     : s == health::healthy ? secondary_health::healthy
                                            : secondary_health::unhealthy;
    }
    in.policy = r.binding.both_unhealthy;
    in.current = r.binding.slot->load();
    in.failback_delay = r.binding.failback_delay;
    in.now = now.steady;
    decision d = decide(in);
    r.last = d;
    r.why = why_text(r, d);
    if (d.live != in.current) {
      r.binding.slot->store(d.live);
      r.transitions++;
      r.since = now.wall;
      log_(log_level::info, fmt::format("failover {}: {} -> {} ({})", record_text(r.binding.key),
                       live::to_string(in.current), live::to_string(d.live), r.why));
    }
  }
}

status_snapshot board::status() const {
  status_snapshot s;
  for (const auto& [name, c] : checks_) {
    check_status cs;
    cs.name = name;
    cs.type = c.spec.type;
    cs.state = c.effective;
    cs.underlying = underlying_health(c.spec, c.verdict, c.calculated);
    cs.disabled = c.spec.disabled;
    cs.override_state = c.override_state;
    cs.invert = c.spec.invert;
    cs.last = c.last;
    cs.since = c.since;
    cs.consecutive_ok = c.verdict.consecutive_ok;
    cs.consecutive_fail = c.verdict.consecutive_fail;
    cs.probes = c.probes;
    cs.failures = c.failures;
    s.checks.push_back(std::move(cs));
  }
  for (const record_entry& r : records_) {
    record_status rs;
    rs.key = r.binding.key;
    rs.live = r.binding.slot ? r.binding.slot->load() : live::slot_state::primary;
    rs.since = r.since;
    rs.transitions = r.transitions;
    rs.primary_check = r.binding.primary_check;
    rs.secondary_check = r.binding.secondary_check;
    rs.why = r.why;
    s.records.push_back(std::move(rs));
  }
  return s;
}

}  // namespace hadns::probes
