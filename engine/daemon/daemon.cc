// engine/daemon/daemon.cc -- start-up order and shutdown (see daemon.h).
#include "engine/daemon/daemon.h"

#include <fmt/core.h>

#include "engine/config/loader.h"
#include "engine/daemon/notify.h"
#include "engine/daemon/privileges.h"
#include "engine/io/log.h"
#include "engine/zone/compile.h"
#include "probes/from_config.h"

namespace hadns::daemon {

namespace {

std::string host_text(const config::endpoint& e) {
  std::string t = e.text;
  // "127.0.0.1:8053" or "[::1]:8053" -> the host part without brackets.
  auto colon = t.rfind(':');
  std::string host = t.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return host;
}

void log_zones(const zone::compiled& c) {
  for (const auto& z : c.zones)
    io::log::info("zone {} ({}): {} record(s), {} failover set(s)", z.origin, z.view, z.records, z.failover);
}

}  // namespace

daemon::daemon(std::string config_path) : path_(std::move(config_path)) {}

daemon::~daemon() { stop(); }

void daemon::start() {
  cfg_ = config::load_config(path_);
  zone::compiled compiled = zone::compile(cfg_, slots_);
  slots_.set_bindings(compiled.bindings);
  log_zones(compiled);

  // Health first: every check's first round and every record decided before
  // a single query is answered.
  prober_ = std::make_unique<probes::prober>(
      probes::specs_from_config(cfg_), slots_.bindings(),
      [](probes::log_level level, const std::string& line) {
        if (level == probes::log_level::warn)
          io::log::warn("{}", line);
        else
          io::log::info("{}", line);
      },
      probes::system_clock(),
      cfg_.control.state_file);
  if (!cfg_.checks.empty())
    io::log::info("running the first round of {} health check(s)", cfg_.checks.size());
  prober_->start();

  server_ = std::make_unique<io::server>(cfg_.server);
  std::string cpus;
  for (int i = 0; i < server_->shard_count(); ++i) cpus += fmt::format("{}{}", i ? "," : "", server_->shard_cpu(i));
  io::log::info("{} shard(s) on CPU(s) {}", server_->shard_count(), cpus);
  server_->snapshots().publish(compiled.snap);
  compiled.snap.reset();
  for (const auto& line : server_->bind()) io::log::info("listening on {}", line);
  if (cfg_.server.xdp) {
    try {
      xdp_ = std::make_unique<xdp::front_end>(*cfg_.server.xdp, server_->listen());
    } catch (const xdp::xdp_error& e) {
      throw io::io_error(fmt::format("server.xdp: {}", e.what()));
    }
    server_->add_frames(xdp_->queues());
    io::log::info("AF_XDP on {} (UDP for the listen addresses arriving there)", xdp_->describe());
  }

  if (cfg_.control.listen) {
    control_ = std::make_unique<control::control_server>(api(), cfg_.control.token);
    control_->start(host_text(*cfg_.control.listen), cfg_.control.listen->port);
    io::log::info("control listener on {}{}", cfg_.control.listen->text,
                  cfg_.control.token.empty() ? "" : " (token required for changes)");
  } else {
    io::log::info("control listener off");
  }

  drop_privileges(cfg_.server.user);
  server_->start();
  {
    std::lock_guard lock(state_mutex_);
    generation_ = 1;
    loaded_at_ = std::chrono::system_clock::now();
  }
  notify::ready("serving, config generation 1");
}

void daemon::stop() {
  if (control_ || prober_ || server_) notify::stopping();
  if (control_) control_->stop();
  if (prober_) prober_->stop();
  if (server_) {
    server_->stop();
    std::string line = "shard counters:";
    for (int i = 0; i < server_->shard_count(); ++i)
      line += fmt::format(" [shard={} cpu={} {}]", i, server_->shard_cpu(i), server_->stats(i).summary());
    io::log::info("{}", line);
  }
  control_.reset();
  prober_.reset();
  server_.reset();
  xdp_.reset();
}

void daemon::reclaim() {
  if (server_) server_->snapshots().reclaim();
}

control::control_api daemon::api() {
  control::control_api a;
  a.status = [this] { return status_json(); };
  a.metrics = [this] { return metrics_text(); };
  a.explain = [this](const std::string& n, const std::string& t, const std::string& f) { return explain(n, t, f); };
  a.reload = [this] {
    reload_result r = reload();
    if (r.ok)
      return control::outcome{200, {{"ok", true}, {"generation", r.generation}, {"pending_restart", r.pending_restart}}};
    nlohmann::json body{{"error", r.error}};
    if (!r.file.empty()) body["file"] = r.file;
    if (r.line) body["line"] = r.line;
    if (!r.key.empty()) body["key"] = r.key;
    return control::outcome{422, body};
  };
  a.override_check = [this](const std::string& c, const std::string& s, const std::string& f) {
    return override_check(c, s, f);
  };
  return a;
}

}  // namespace hadns::daemon
