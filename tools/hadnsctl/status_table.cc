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

void flatten(const json& j, const std::string& prefix, std::string& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else if (j.is_array() && !j.empty() && (j[0].is_object() || j[0].is_array())) {
    for (size_t i = 0; i < j.size(); ++i) flatten(j[i], prefix + "[" + std::to_string(i) + "]", out);
  } else if (j.is_array()) {
    out += prefix + ":";
    if (j.empty()) out += " (none)";
    out += "\n";
    for (const auto& v : j) out += "  " + (v.is_string() ? v.get<std::string>() : v.dump()) + "\n";
  } else {
    out += prefix + ": " + (j.is_string() ? j.get<std::string>() : j.dump()) + "\n";
  }
}

}  // namespace

std::string format_status(const json& status) {
  std::string out;
  const json& cfg = status.value("config", json::object());
  out += fmt::format("config generation {} loaded at {}\n", str(cfg, "generation"), str(cfg, "loaded_at"));
  if (cfg.contains("pending_restart") && cfg["pending_restart"].is_array() && !cfg["pending_restart"].empty()) {
    out += "pending restart:";
    for (const auto& k : cfg["pending_restart"]) out += " " + (k.is_string() ? k.get<std::string>() : k.dump());
    out += "\n";
  }

  std::vector<std::vector<std::string>> checks{{"CHECK", "STATE", "OVERRIDE", "LAST", "LATENCY", "SINCE"}};
  for (const auto& [name, c] : status.value("checks", json::object()).items()) {
    std::string ov = "-";
    if (c.contains("override") && c["override"].is_object()) {
      ov = str(c["override"], "state");
      if (str(c["override"], "until") != "-") ov += " until " + str(c["override"], "until");
    }
    const json& last = c.value("last", json::object());
    std::string result = "-";
    if (last.contains("ok")) result = last["ok"].get<bool>() ? "ok" : "fail: " + str(last, "reason");
    std::string latency = last.contains("latency_ms") ? str(last, "latency_ms") + " ms" : "-";
    checks.push_back({name, str(c, "state"), ov, result, latency, str(c, "since")});
  }
  out += "\n" + render(checks);

  std::vector<std::vector<std::string>> records{{"RECORD", "TYPE", "ZONE", "VIEW", "LIVE", "SINCE", "TRANSITIONS"}};
  for (const auto& r : status.value("records", json::array()))
    records.push_back({str(r, "name"), str(r, "type"), str(r, "zone"), str(r, "view"), str(r, "live"),
                       str(r, "since"), str(r, "transitions")});
  out += "\n" + render(records);
  return out;
}

std::string format_explain(const json& explain) {
  std::string out;
  flatten(explain, "", out);
  return out;
}

}  // namespace hadns::ctl
