// tools/loadgen/report.h -- the result of a load run, as text for people and
// as JSON for scripts (bench/compare reads the JSON).
#pragma once

#include <string>

#include "tools/loadgen/udp_worker.h"

namespace hadns::loadgen {

struct run_summary {
  std::string target;
  std::string query_file;
  size_t queries_in_file = 0;
  int threads = 0;
  int sockets = 0;         // in total
  int window = 0;          // per socket
  double rate_limit = 0;   // -Q, 0 = none
  double send_seconds = 0; // measured length of the sending phase
  double total_seconds = 0;// sending phase plus drain
  worker_stats stats;      // all workers merged

  // Replies received per second of the sending phase.
  double qps() const noexcept { return send_seconds > 0 ? double(stats.received) / send_seconds : 0; }
};

std::string format_text(const run_summary& r);
std::string format_json(const run_summary& r);

}  // namespace hadns::loadgen
