// engine/hadnsd.cc -- the daemon's entry point: flags -> config -> Snapshot
// -> probes + shards + control -> signals.
//
// Start-up is all-or-nothing (engine/daemon/daemon.h): any failure before
// serving (bad config, a zone that does not load, a taken DNS or control
// port, a kernel without the io_uring features) is one clear log line and
// exit status 1. SIGHUP reloads off the hot path; on failure the running
// config keeps serving. SIGTERM and SIGINT stop cleanly with exit status 0.
//
// Threads: main() owns the signals (signalfd), SIGHUP reloads and Snapshot
// reclamation; shard threads answer; the probe thread flips slots; the
// control listener's workers (one per connection) serve HTTP.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "engine/daemon/daemon.h"
#include "engine/io/log.h"
#include "engine/zone/check_config.h"

#ifndef HADNS_VERSION
#define HADNS_VERSION "0.0.0"
#endif

namespace {

using namespace hadns;

int check_config(const std::string& path) {
  try {
    fmt::print("{}\n", zone::check_config_file(path));
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
  }
  return 1;
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
  daemon::daemon d(path);
  try {
    d.start();
  } catch (const std::exception& e) {
    io::log::error("{}", e.what());
    d.stop();
    return 1;
  }
  io::log::info("serving");

  for (;;) {
    pollfd p{sfd, POLLIN, 0};
    int n = poll(&p, 1, 250);
    d.reclaim();
    if (n <= 0) continue;
    signalfd_siginfo si{};
    if (read(sfd, &si, sizeof si) != sizeof si) continue;
    if (si.ssi_signo == SIGHUP) {
      d.reload();
      continue;
    }
    io::log::info("signal {}: stopping", strsignal(static_cast<int>(si.ssi_signo)));
    break;
  }
  d.stop();
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
