// probes/status_json.cc -- status as JSON (see status_json.h).
#include "probes/status_json.h"

#include <cstdio>
#include <ctime>

#include "engine/config/schema.h"

namespace hadns::probes {

nlohmann::json checks_json(const status_snapshot& s) {
  nlohmann::json checks = nlohmann::json::object();
  for (const check_status& c : s.checks) {
    nlohmann::json j;
    j["type"] = config::to_string(c.type);
    j["state"] = to_string(c.state);
    j["underlying"] = to_string(c.underlying);
    j["disabled"] = c.disabled;
    if (c.override_state) {
      j["override"] = {{"state", to_string(c.override_state->state)},
                       {"until", c.override_state->until ? nlohmann::json(format_utc(*c.override_state->until))
                                                         : nlohmann::json(nullptr)}};
    } else {
      j["override"] = nullptr;
    }
    if (c.last) {
      // ok: what the thresholds counted; raw_ok: what the probe saw (they
      // differ for an invert check).
      j["last"] = {{"ok", counted_ok(c)},
                   {"raw_ok", c.last->ok},
                   {"reason", c.last->reason},
                   {"latency_ms", c.last->latency_ms},
                   {"at", format_utc(c.last->at)}};
    } else {
      j["last"] = nullptr;
    }
    j["since"] = format_utc(c.since);
    checks[c.name] = std::move(j);
  }
  return checks;
}

nlohmann::json records_json(const status_snapshot& s) {
  nlohmann::json records = nlohmann::json::array();
  for (const record_status& r : s.records) {
    records.push_back({{"zone", r.key.origin},
                       {"view", r.key.allow_from.empty() ? std::string("public") : r.key.allow_from},
                       {"name", r.key.owner},
                       {"type", type_mnemonic(r.key.type)},
                       {"live", live::to_string(r.live)},
                       {"since", format_utc(r.since)},
                       {"transitions", r.transitions},
                       {"primary_check", r.primary_check},
                       {"secondary_check", r.secondary_check.empty() ? nlohmann::json(nullptr)
                                                                      : nlohmann::json(r.secondary_check)},
                       {"why", r.why}});
  }
  return records;
}

bool parse_utc(const std::string& text, wall_time& out) {
  int y, mo, d, h, mi, sec;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6)
    return false;
  std::string rest = text.substr(static_cast<size_t>(consumed));
  int ms = 0;
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int digits = 0;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      if (digits < 3) ms = ms * 10 + (rest[i] - '0');
      digits++;
      i++;
    }
    if (digits == 0) return false;
    for (; digits < 3; ++digits) ms *= 10;
    rest = rest.substr(i);
  }
  if (rest != "Z") return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  out = wall_time(std::chrono::duration_cast<wall_time::duration>(std::chrono::seconds(t) +
                                                                  std::chrono::milliseconds(ms)));
  return true;
}

}  // namespace hadns::probes
