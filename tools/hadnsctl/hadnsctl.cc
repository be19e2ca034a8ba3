// tools/hadnsctl/hadnsctl.cc -- the operator's command line for hadnsd:
// status, explain, override, reload (over the control listener) and
// check-config (locally, without a daemon).
//
// Exit status: 0 on success, 1 when the daemon refuses or cannot be reached,
// 2 on a usage error.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "engine/zone/check_config.h"
#include "tools/hadnsctl/control_client.h"
#include "tools/hadnsctl/status_table.h"

namespace {

using hadns::ctl::control_client;
using hadns::ctl::control_error;
using json = nlohmann::json;

// The daemon's error replies are JSON {"error", "file", "line", "key"}.
std::string error_text(const hadns::ctl::reply& r) {
  json j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error")) {
    std::string msg = j["error"].is_string() ? j["error"].get<std::string>() : j["error"].dump();
    if (j.contains("file") && j["file"].is_string() && !j["file"].get<std::string>().empty()) {
      std::string where = j["file"].get<std::string>();
      if (j.contains("line")) where += ":" + j["line"].dump();
      if (j.contains("key") && j["key"].is_string()) where += ": " + j["key"].get<std::string>();
      if (msg.rfind(where, 0) != 0) msg = where + ": " + msg;
    }
    return msg;
  }
  return "HTTP " + std::to_string(r.status) + (r.body.empty() ? "" : ": " + r.body);
}

int check_config(const std::string& file) {
  try {
    std::printf("%s\n", hadns::zone::check_config_file(file).c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hadnsctl: control a running hadnsd (status, explain, override, reload) "
               "or validate a config (check-config)"};
  app.require_subcommand(1);
  std::string control = "127.0.0.1:8053";
  std::string token_file;
  app.add_option("--control", control, "hadnsd's control listener, HOST:PORT or [IPv6]:PORT")
      ->capture_default_str();
  app.add_option("--token-file", token_file, "file holding the bearer token for changes");

  bool as_json = false;
  auto* status = app.add_subcommand("status", "checks, failover records and which side is live");
  status->add_flag("--json", as_json, "print the raw JSON");

  std::string name, type = "A", from;
  auto* explain = app.add_subcommand("explain", "why NAME TYPE gets the answer it gets");
  explain->add_option("name", name, "query name")->required();
  explain->add_option("type", type, "query type")->capture_default_str();
  explain->add_option("--from", from, "client address (default 127.0.0.1)");
  explain->add_flag("--json", as_json, "print the raw JSON");

  std::string check, state, duration;
  auto* override_cmd = app.add_subcommand("override", "force a check healthy or unhealthy, or back to auto");
  override_cmd->add_option("check", check, "health check name")->required();
  override_cmd->add_option("state", state, "healthy | unhealthy | auto")
      ->required()
      ->check(CLI::IsMember({"healthy", "unhealthy", "auto"}));
  override_cmd->add_option("--for", duration, "limit the override, e.g. 30m");

  auto* reload = app.add_subcommand("reload", "reload the configuration and zones");

  std::string config_file;
  auto* check_cfg = app.add_subcommand("check-config", "validate a config and its zones locally");
  check_cfg->add_option("file", config_file, "config file")->required();

  CLI11_PARSE(app, argc, argv);

  if (check_cfg->parsed()) return check_config(config_file);

  try {
    std::string token = token_file.empty() ? "" : hadns::ctl::read_token_file(token_file);
    control_client client(control, token);

    if (status->parsed()) {
      auto r = client.get("/status");
      if (r.status != 200) throw control_error(error_text(r));
      json j = json::parse(r.body);
      std::cout << (as_json ? j.dump(2) + "\n" : hadns::ctl::format_status(j));
      return 0;
    }
    if (explain->parsed()) {
      std::string path = "/explain?name=" + hadns::ctl::url_encode(name) + "&type=" + hadns::ctl::url_encode(type);
      if (!from.empty()) path += "&from=" + hadns::ctl::url_encode(from);
      auto r = client.get(path);
      if (r.status != 200) throw control_error(error_text(r));
      json j = json::parse(r.body);
      std::cout << (as_json ? j.dump(2) + "\n" : hadns::ctl::format_explain(j));
      return 0;
    }
    if (override_cmd->parsed()) {
      json body{{"state", state}};
      if (!duration.empty()) body["for"] = duration;
      auto r = client.post("/checks/" + hadns::ctl::url_encode(check) + "/override", body.dump());
      if (r.status != 200) throw control_error(error_text(r));
      json j = json::parse(r.body, nullptr, false);
      std::cout << "check " << check << ": override " << state;
      if (!duration.empty()) std::cout << " for " << duration;
      if (j.is_object() && j.contains("state")) std::cout << " (now " << j["state"].get<std::string>() << ")";
      std::cout << "\n";
      if (j.is_object() && j.value("persisted", true) == false)
        std::cerr << "warning: the override applies but was not saved to the state file"
                  << (j.contains("persist_error") ? ": " + j["persist_error"].get<std::string>() : "") << "\n";
      return 0;
    }
    if (reload->parsed()) {
      auto r = client.post("/reload", "{}");
      if (r.status != 200) throw control_error("reload refused: " + error_text(r));
      json j = json::parse(r.body, nullptr, false);
      std::cout << "reloaded";
      if (j.is_object() && j.contains("generation")) std::cout << ": generation " << j["generation"].dump();
      std::cout << "\n";
      if (j.is_object() && j.contains("pending_restart") && j["pending_restart"].is_array() &&
          !j["pending_restart"].empty()) {
        std::cout << "needs a restart to apply:";
        for (const auto& key : j["pending_restart"])
          std::cout << " " << (key.is_string() ? key.get<std::string>() : key.dump());
        std::cout << "\n";
      }
      return 0;
    }
  } catch (const control_error& e) {
    std::fprintf(stderr, "hadnsctl: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hadnsctl: unexpected reply: %s\n", e.what());
    return 1;
  }
  return 2;
}
