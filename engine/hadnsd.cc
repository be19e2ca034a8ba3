// engine/hadnsd.cc -- the daemon: flags -> config -> Snapshot -> probes +
// shards -> signals.
//
// Start-up is all-or-nothing: the config is loaded and compiled, every
// socket of every shard is bound, and only then do the shards start
// answering. Any failure before that (bad config, a zone that does not
// load, a taken port, a kernel without the io_uring features) is one clear
// log line and exit status 1. SIGHUP reloads off the hot path (load +
// compile + publish; on failure the running config stays and the error is
// logged). SIGTERM and SIGINT stop cleanly with exit status 0.
//
// Threads: main() owns the signals (signalfd), reloads and reclamation;
// shard threads answer; the probe thread (probes/) will flip slots.
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "engine/config/config.h"
#include "engine/config/loader.h"
#include "engine/io/log.h"
#include "engine/io/server.h"
#include "engine/live/live_table.h"
#include "engine/zone/compile.h"

#ifndef HADNS_VERSION
#define HADNS_VERSION "0.0.0"
#endif

namespace {

using namespace hadns;

std::string describe(const config::config_error& e) {
  return fmt::format("{}:{}: {}: {}", e.file(), e.line(), e.key(), e.message());
}

void log_zones(const zone::compiled& c) {
  for (const auto& z : c.zones)
    io::log::info("zone {} ({}): {} record(s), {} failover set(s)", z.origin, z.view, z.records,
                  z.failover);
}

// Compiles a loaded config, all-or-nothing; throws config_error or std::exception.
zone::compiled build(const config::config& cfg, live::live_table& slots) {
  return zone::compile(cfg, slots);
}

int check_config(const std::string& path) {
  try {
    config::config cfg = config::load_config(path);
    live::live_table slots;
    zone::compiled c = build(cfg, slots);
    size_t records = 0;
    for (const auto& z : c.zones) records += z.records;
    fmt::print("{}: ok ({} zone(s), {} record(s), {} health check(s))\n", path, c.zones.size(),
               records, cfg.checks.size());
    return 0;
  } catch (const config::config_error& e) {
    fmt::print(stderr, "{}\n", describe(e));
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: {}\n", path, e.what());
  }
  return 1;
}

// Drops root to server.user after binding. Throws on failure.
void drop_privileges(const std::string& user) {
  if (user.empty()) return;
  if (geteuid() != 0) {
    io::log::warn("server.user is {} but hadnsd is not running as root: not changing user", user);
    return;
  }
  errno = 0;
  passwd* pw = getpwnam(user.c_str());
  if (!pw)
    throw std::runtime_error(fmt::format("server.user: no such user {}", user));
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
      setuid(pw->pw_uid) != 0)
    throw std::runtime_error(
        fmt::format("server.user: cannot switch to {}: {}", user, std::strerror(errno)));
  io::log::info("running as user {} (uid {}, gid {})", user, pw->pw_uid, pw->pw_gid);
}

bool same_listen(const config::server_config& a, const config::server_config& b) {
  if (a.listen.size() != b.listen.size() || a.shards != b.shards) return false;
  for (size_t i = 0; i < a.listen.size(); ++i)
    if (a.listen[i].family != b.listen[i].family || a.listen[i].addr != b.listen[i].addr ||
        a.listen[i].port != b.listen[i].port)
      return false;
  return true;
}

// SIGHUP: a new Snapshot from the file on disk, or the old one kept.
void reload(const std::string& path, config::config& running, live::live_table& slots,
            io::server& srv) {
  io::log::info("reload: loading {}", path);
  try {
    config::config next = config::load_config(path);
    zone::compiled c = build(next, slots);
    // Probes: hand c.bindings and next.checks to the probe thread here and
    // let it decide every record before the Snapshot is published.
    slots.set_bindings(c.bindings);
    srv.snapshots().publish(c.snap);
    log_zones(c);
    if (!same_listen(running.server, next.server))
      io::log::warn("reload: server.listen or server.shards changed; they need a restart");
    if (running.server.user != next.server.user)
      io::log::warn("reload: server.user changed; it needs a restart");
    srv.apply(next.server);
    running = std::move(next);
    io::log::info("reload: done");
  } catch (const config::config_error& e) {
    io::log::error("reload failed, keeping the running config: {}", describe(e));
  } catch (const std::exception& e) {
    io::log::error("reload failed, keeping the running config: {}: {}", path, e.what());
  }
}

void log_shard_counters(const io::server& srv) {
  std::string line = "shard counters:";
  for (int i = 0; i < srv.shard_count(); ++i)
    line += fmt::format(" [shard={} cpu={} {}]", i, srv.shard_cpu(i), srv.stats(i).summary());
  io::log::info("{}", line);
}

int run(const std::string& path) {
  // Signals are taken by the main thread's signalfd only: block them before
  // any thread starts so that every thread inherits the mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
  if (sfd < 0) {
    io::log::error("cannot create signalfd: {}", std::strerror(errno));
    return 1;
  }

  io::log::info("hadnsd {} starting (config {}, pid {})", HADNS_VERSION, path, getpid());
  config::config cfg;
  live::live_table slots;
  zone::compiled compiled;
  try {
    cfg = config::load_config(path);
    compiled = build(cfg, slots);
  } catch (const config::config_error& e) {
    io::log::error("{}", describe(e));
    return 1;
  } catch (const std::exception& e) {
    io::log::error("{}: {}", path, e.what());
    return 1;
  }
  slots.set_bindings(compiled.bindings);
  log_zones(compiled);

  // Probes: start the probe thread here with slots.bindings() and
  // cfg.checks; it runs every check's first round (bounded by the checks'
  // timeouts) and sets every slot before the listeners below open.

  try {
    io::server srv(cfg.server);
    std::string cpus;
    for (int i = 0; i < srv.shard_count(); ++i)
      cpus += fmt::format("{}{}", i ? "," : "", srv.shard_cpu(i));
    io::log::info("{} shard(s) on CPU(s) {}", srv.shard_count(), cpus);
    srv.snapshots().publish(compiled.snap);
    compiled.snap.reset();
    for (const auto& line : srv.bind()) io::log::info("listening on {}", line);
    drop_privileges(cfg.server.user);
    srv.start();
    io::log::info("serving");

    bool running = true;
    while (running) {
      pollfd p{sfd, POLLIN, 0};
      int n = poll(&p, 1, 250);
      srv.snapshots().reclaim();
      if (n <= 0) continue;
      signalfd_siginfo si{};
      if (read(sfd, &si, sizeof si) != sizeof si) continue;
      if (si.ssi_signo == SIGHUP) {
        reload(path, cfg, slots, srv);
      } else {
        io::log::info("signal {}: stopping", strsignal(static_cast<int>(si.ssi_signo)));
        running = false;
      }
    }
    srv.stop();
    log_shard_counters(srv);
  } catch (const std::exception& e) {
    io::log::error("{}", e.what());
    return 1;
  }
  io::log::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hadnsd: an authoritative DNS server with failover routing"};
  std::string config_path;
  std::string check_path;
  auto* run_opt = app.add_option("-c,--config", config_path, "Run in the foreground with this config file");
  auto* check_opt =
      app.add_option("--check-config", check_path, "Validate this config and its zone files, then exit");
  run_opt->excludes(check_opt);
  app.set_version_flag("-V,--version", "hadnsd " HADNS_VERSION);
  CLI11_PARSE(app, argc, argv);

  if (!check_path.empty()) return check_config(check_path);
  if (config_path.empty()) {
    fmt::print(stderr, "hadnsd: --config FILE or --check-config FILE is required (see --help)\n");
    return 2;
  }
  return run(config_path);
}
