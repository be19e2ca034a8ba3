// tools/hadnsctl/status_table.cc -- see status_table.h. Column widths follow
// the content so long check and record names stay aligned.
#include "tools/hadnsctl/status_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace hadns::ctl {

namespace {

using json = nlohmann::json;

std::string str(const json& j, const char* key, const char* fallback = "-") {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return fallback;
  const json& v = j[key];
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string render(const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return {};
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// A check's last result as the thresholds counted it; "(inverted)" when the
// probe itself saw the opposite (an `invert` check).
std::string last_text(const json& last, const char* good, const char* bad) {
  if (!last.is_object() || !last.contains("ok") || !last["ok"].is_boolean()) return "-";
  const bool ok = last["ok"].get<bool>();
  const bool inverted = last.contains("raw_ok") && last["raw_ok"].is_boolean() && last["raw_ok"].get<bool>() != ok;
  if (ok && !inverted) return good;
  std::string out = std::string(ok ? good : bad) + ": " + str(last, "reason");
  return inverted ? out + " (inverted)" : out;
}

}  // namespace

std::string format_status(const json& status) {
  std::string out;
  const json cfg = status.value("config", json::object());
  out += fmt::format("config generation {} loaded at {}\n", str(cfg, "generation"), str(cfg, "loaded_at"));
  if (cfg.contains("pending_restart") && cfg["pending_restart"].is_array() && !cfg["pending_restart"].empty()) {
    out += "pending restart:";
    for (const auto& k : cfg["pending_restart"]) out += " " + (k.is_string() ? k.get<std::string>() : k.dump());
    out += "\n";
  }

  std::vector<std::vector<std::string>> checks{{"CHECK", "STATE", "OVERRIDE", "LAST", "LATENCY", "SINCE"}};
  const json checks_obj = status.value("checks", json::object());
  for (const auto& [name, c] : checks_obj.items()) {
    std::string ov = "-";
    if (c.contains("override") && c["override"].is_object()) {
      ov = str(c["override"], "state");
      if (str(c["override"], "until") != "-") ov += " until " + str(c["override"], "until");
    }
    const json last = c.value("last", json::object());
    std::string result = last_text(last, "ok", "fail");
    std::string latency = last.contains("latency_ms") && last["latency_ms"].is_number()
                              ? fmt::format("{:.1f} ms", last["latency_ms"].get<double>())
                              : "-";
    checks.push_back({name, str(c, "state"), ov, result, latency, str(c, "since")});
  }
  out += "\n" + render(checks);

  std::vector<std::vector<std::string>> records{{"RECORD", "TYPE", "ZONE", "VIEW", "LIVE", "SINCE", "TRANSITIONS"}};
  const json records_arr = status.value("records", json::array());
  for (const auto& r : records_arr)
    records.push_back({str(r, "name"), str(r, "type"), str(r, "zone"), str(r, "view"), str(r, "live"),
                       str(r, "since"), str(r, "transitions")});
  out += "\n" + render(records);
  return out;
}

std::string format_explain(const json& e) {
  // A summary first, then every section and failover set in words; fields
  // this version does not know are still shown, flattened, at the end.
  std::string out;
  const json q = e.value("query", json::object());
  out += fmt::format("{} {} from {}\n", str(q, "name"), str(q, "type"), str(q, "from"));
  if (e.contains("zone") && e["zone"].is_string())
    out += fmt::format("  zone {} (view {})\n", str(e, "zone"), str(e, "view"));
  else
    out += "  no zone of ours holds this name for this client\n";
  out += fmt::format("  rcode {}{}\n", str(e, "rcode"), e.value("aa", false) ? ", authoritative" : "");
  for (const char* sect : {"answer", "authority", "additional"}) {
    if (!e.contains(sect) || !e[sect].is_array() || e[sect].empty()) continue;
    out += fmt::format("  {}:\n", sect);
    for (const auto& rr : e[sect]) out += "    " + (rr.is_string() ? rr.get<std::string>() : rr.dump()) + "\n";
  }
  const json fo = e.value("failover", json::array());
  for (const auto& r : fo) {
    out += fmt::format("  failover {}: {} is live since {} ({} transitions)\n", str(r, "record"), str(r, "live"),
                       str(r, "since"), str(r, "transitions"));
    out += fmt::format("    why: {}\n", str(r, "why"));
    for (const auto& c : r.value("checks", json::array())) {
      if (!c.contains("check") || c["check"].is_null()) {
        out += fmt::format("    {:<9} no health check\n", str(c, "role"));
        continue;
      }
      std::string line = fmt::format("    {:<9} check {}: {}", str(c, "role"), str(c, "check"), str(c, "state"));
      if (c.contains("override")) line += fmt::format(" (override {})", str(c, "override"));
      if (c.contains("last") && c["last"].is_object()) {
        const json& l = c["last"];
        line += ", last probe " + last_text(l, "ok", "failed");
        if (l.contains("latency_ms") && l["latency_ms"].is_number())
          line += fmt::format(" in {:.1f} ms", l["latency_ms"].get<double>());
      }
      out += line + "\n";
    }
  }
  if (fo.empty()) out += "  no failover record set behind this answer\n";
  return out;
}

}  // namespace hadns::ctl
