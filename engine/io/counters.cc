// engine/io/counters.cc -- reading and summing shard counters (see counters.h).
#include "engine/io/counters.h"

#include <fmt/core.h>

namespace hadns::io {

const char* to_string(proto p) noexcept {
  switch (p) {
    case proto::udp: return "udp";
    case proto::tcp: return "tcp";
    case proto::udp_xdp: return "udp-xdp";
  }
  return "?";
}

uint64_t shard_stats::responses_total(proto p) const noexcept {
  uint64_t sum = 0;
  for (uint64_t v : responses[static_cast<size_t>(p)]) sum += v;
  return sum;
}

shard_stats& shard_stats::operator+=(const shard_stats& o) noexcept {
  for (int p = 0; p < k_protos; ++p) {
    queries[p] += o.queries[p];
    dropped[p] += o.dropped[p];
    truncated[p] += o.truncated[p];
    for (int r = 0; r < k_rcode_buckets; ++r) responses[p][r] += o.responses[p][r];
  }
  tcp_accepted += o.tcp_accepted;
  tcp_closed += o.tcp_closed;
  tcp_refused += o.tcp_refused;
  tcp_timeouts += o.tcp_timeouts;
  tcp_errors += o.tcp_errors;
  return *this;
}

std::string shard_stats::summary() const {
  return fmt::format(
      "udp_queries={} udp_responses={} udp_dropped={} udp_truncated={} tcp_queries={} "
      "tcp_responses={} tcp_dropped={} tcp_accepted={} tcp_closed={} tcp_refused={} "
      "tcp_timeouts={} tcp_errors={} xdp_queries={} xdp_responses={} xdp_dropped={}",
      queries[0], responses_total(proto::udp), dropped[0], truncated[0], queries[1],
      responses_total(proto::tcp), dropped[1], tcp_accepted, tcp_closed, tcp_refused,
      tcp_timeouts, tcp_errors, queries[2], responses_total(proto::udp_xdp), dropped[2]);
}

shard_stats shard_counters::read() const noexcept {
  shard_stats s;
  auto get = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  for (size_t p = 0; p < k_protos; ++p) {
    s.queries[p] = get(queries_[p]);
    s.dropped[p] = get(dropped_[p]);
    s.truncated[p] = get(truncated_[p]);
    for (size_t r = 0; r < k_rcode_buckets; ++r) s.responses[p][r] = get(responses_[p][r]);
  }
  s.tcp_accepted = get(tcp_accepted_);
  s.tcp_closed = get(tcp_closed_);
  s.tcp_refused = get(tcp_refused_);
  s.tcp_timeouts = get(tcp_timeouts_);
  s.tcp_errors = get(tcp_errors_);
  return s;
}

}  // namespace hadns::io
