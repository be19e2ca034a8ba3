// tools/loadgen/main.cc -- hadns-loadgen: a lightweight UDP load generator
// for authoritative DNS servers on loopback.
//
// Reads a dnsperf query file, sends it in a loop from several sockets (each
// its own source port, each with a window of outstanding queries) for a
// bounded time, optionally at a fixed rate, and reports sent, received,
// lost, QPS and latency percentiles. It exists because one dnsperf process
// saturates its own core below what the fastest servers answer on one core;
// use dnsperf for loss and latency at a fixed rate, and this for throughput.
//
// Only loopback targets (127.0.0.0/8, ::1) are accepted, unless
// --allow-namespace says the target lives in a network namespace made for
// the test: this tool must never load a server it was not meant to.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "tools/loadgen/query_set.h"
#include "tools/loadgen/report.h"
#include "tools/loadgen/target.h"
#include "tools/loadgen/udp_worker.h"

using namespace hadns::loadgen;

int main(int argc, char** argv) {
  CLI::App app{"hadns-loadgen: UDP load generator for DNS servers on loopback"};
  std::string server = "127.0.0.1";
  uint16_t port = 53;
  std::string query_file;
  double seconds = 10;
  double rate = 0;
  int threads = 1;
  int sockets = 8;
  int window = 16;
  int batch = 32;
  double timeout_s = 1.0;
  int buffer_kib = 4096;
  bool edns = false;
  bool rd = false;
  bool json = false;
  bool allow_namespace = false;
  app.add_option("-s,--server", server, "server address, numeric IPv4 or IPv6 (default 127.0.0.1)");
  app.add_option("-p,--port", port, "server port (default 53)");
  app.add_option("-d,--data", query_file, "query file in dnsperf format (NAME TYPE per line)")->required();
  app.add_option("-l,--seconds", seconds, "how long to send, seconds (default 10)")->check(CLI::Range(0.05, 3600.0));
  app.add_option("-Q,--rate", rate, "total queries per second (default: as fast as the windows allow)")->check(CLI::Range(0.0, 1e8));
  app.add_option("-T,--threads", threads, "sender threads (default 1)")->check(CLI::Range(1, 64));
  app.add_option("-c,--sockets", sockets, "sockets in total, each its own source port (default 8)")->check(CLI::Range(1, 1024));
  app.add_option("-w,--window", window, "outstanding queries per socket (default 16)")->check(CLI::Range(1, 4096));
  app.add_option("--batch", batch, "messages per sendmmsg/recvmmsg call (default 32)")->check(CLI::Range(1, 256));
  app.add_option("-t,--timeout", timeout_s, "seconds before a query counts as lost (default 1)")->check(CLI::Range(0.001, 60.0));
  app.add_option("-b,--buffer", buffer_kib, "socket send/receive buffer, KiB (default 4096)")->check(CLI::Range(64, 1 << 20));
  app.add_flag("-e,--edns", edns, "send EDNS0 (OPT, UDP size 1232)");
  app.add_flag("--rd", rd, "set RD in queries");
  app.add_flag("--json", json, "print the report as JSON");
  app.add_flag("--allow-namespace", allow_namespace,
               "allow a non-loopback target (only inside a network namespace made for the test)");
  CLI11_PARSE(app, argc, argv);

  auto tgt = parse_target(server, port);
  if (!tgt) {
    fmt::print(stderr, "hadns-loadgen: '{}' is not a numeric IPv4 or IPv6 address\n", server);
    return 2;
  }
  if (!tgt->loopback && !allow_namespace) {
    fmt::print(stderr,
               "hadns-loadgen: refusing to load {}: not a loopback address (127.0.0.0/8, ::1); "
               "use --allow-namespace only for a target inside a test network namespace\n",
               tgt->text);
    return 2;
  }
  if (sockets < threads) sockets = threads;

  query_options qopts;
  qopts.edns = edns;
  qopts.recursion_desired = rd;
  std::vector<wire_query> queries;
  try {
    queries = load_query_file(query_file, qopts);
  } catch (const query_error& e) {
    fmt::print(stderr, "hadns-loadgen: {}\n", e.what());
    return 2;
  }

  std::vector<std::unique_ptr<udp_worker>> workers;
  try {
    for (int t = 0; t < threads; ++t) {
      worker_config wc;
      wc.sockets = sockets / threads + (t < sockets % threads ? 1 : 0);
      wc.window = window;
      wc.batch = batch;
      wc.qps = rate / threads;
      wc.timeout_ns = static_cast<uint64_t>(timeout_s * 1e9);
      wc.socket_buffer = buffer_kib * 1024;
      wc.first_query = queries.size() * static_cast<size_t>(t) / static_cast<size_t>(threads);
      workers.push_back(std::make_unique<udp_worker>(*tgt, queries, wc));
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "hadns-loadgen: {}\n", e.what());
    return 1;
  }

  const uint64_t start = monotonic_ns() + 1'000'000;  // 1 ms for the threads to start
  const uint64_t stop = start + static_cast<uint64_t>(seconds * 1e9);
  const uint64_t drain = stop + static_cast<uint64_t>(timeout_s * 1e9);
  std::vector<std::thread> pool;
  for (auto& w : workers) {
    pool.emplace_back([&w, start, stop, drain] {
      while (monotonic_ns() < start) {
      }
      w->run(start, stop, drain);
    });
  }
  for (auto& th : pool) th.join();
  const uint64_t end = monotonic_ns();

  run_summary r;
  r.target = tgt->text;
  r.query_file = query_file;
  r.queries_in_file = queries.size();
  r.threads = threads;
  r.sockets = sockets;
  r.window = window;
  r.rate_limit = rate;
  r.send_seconds = double(std::min(end, stop) - start) / 1e9;
  r.total_seconds = double(end - start) / 1e9;
  for (auto& w : workers) r.stats.merge(w->stats());
  std::fputs((json ? format_json(r) : format_text(r)).c_str(), stdout);
  return 0;
}
