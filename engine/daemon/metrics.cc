// engine/daemon/metrics.cc -- GET /metrics: shard counters (summed from
// their own cache lines, never touching the hot path), health checks,
// failover records and reloads, in Prometheus text format.
#include "engine/control/prometheus_writer.h"
#include "engine/daemon/daemon.h"
#include "probes/status.h"

namespace hadns::daemon {

namespace {

const char* rcode_name(int r) {
  static const char* names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
                                "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
                                "RCODE12", "RCODE13", "RCODE14", "RCODE15", "BADVERS", "BADKEY",
                                "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "OTHER"};
  return r >= 0 && r < static_cast<int>(std::size(names)) ? names[r] : "OTHER";
}

}  // namespace

std::string daemon::metrics_text() {
  using control::labels;
  control::prometheus_writer w;
  const int shards = server_->shard_count();
  std::vector<io::shard_stats> st;
  for (int i = 0; i < shards; ++i) st.push_back(server_->stats(i));
  std::vector<io::proto> protos{io::proto::udp, io::proto::tcp};
  if (server_->xdp_queues() > 0) protos.push_back(io::proto::udp_xdp);

  w.family("hadns_queries_total", "counter", "DNS queries received, by shard and protocol.");
  for (int i = 0; i < shards; ++i)
    for (auto p : protos)
      w.sample(labels{{"shard", std::to_string(i)}, {"proto", io::to_string(p)}}, st[i].queries[size_t(p)]);

  w.family("hadns_responses_total", "counter", "DNS responses sent, by shard, protocol and rcode.");
  for (int i = 0; i < shards; ++i)
    for (auto p : protos)
      for (int r = 0; r < io::k_rcode_buckets; ++r) {
        uint64_t v = st[i].responses[size_t(p)][size_t(r)];
        if (v || r == 0)
          w.sample(labels{{"shard", std::to_string(i)}, {"proto", io::to_string(p)}, {"rcode", rcode_name(r)}}, v);
      }

  w.family("hadns_dropped_total", "counter", "Queries dropped unanswered (unreadable, QR set).");
  for (int i = 0; i < shards; ++i)
    for (auto p : protos)
      w.sample(labels{{"shard", std::to_string(i)}, {"proto", io::to_string(p)}}, st[i].dropped[size_t(p)]);

  w.family("hadns_truncated_total", "counter", "UDP responses sent with TC=1.");
  for (int i = 0; i < shards; ++i)
    for (auto p : protos)
      w.sample(labels{{"shard", std::to_string(i)}, {"proto", io::to_string(p)}}, st[i].truncated[size_t(p)]);

  struct tcp_family { const char* name; const char* help; uint64_t io::shard_stats::*field; };
  const tcp_family tcp[] = {
      {"hadns_tcp_accepted_total", "TCP connections accepted.", &io::shard_stats::tcp_accepted},
      {"hadns_tcp_closed_total", "TCP connections closed.", &io::shard_stats::tcp_closed},
      {"hadns_tcp_refused_total", "TCP connections closed at once over tcp_max_connections.", &io::shard_stats::tcp_refused},
      {"hadns_tcp_idle_timeouts_total", "TCP connections closed by tcp_idle_timeout.", &io::shard_stats::tcp_timeouts},
      {"hadns_tcp_errors_total", "TCP connections closed for garbage or a bad length.", &io::shard_stats::tcp_errors},
  };
  for (const auto& f : tcp) {
    w.family(f.name, "counter", f.help);
    for (int i = 0; i < shards; ++i) w.sample(labels{{"shard", std::to_string(i)}}, st[i].*f.field);
  }
  w.family("hadns_tcp_open_connections", "gauge", "TCP connections open now (all shards).");
  w.sample(labels{}, uint64_t{server_->tcp_open()});

  probes::status_snapshot s = prober_->status();
  w.family("hadns_check_healthy", "gauge", "1 when the health check is healthy (override applied), else 0.");
  for (const auto& c : s.checks) w.sample(labels{{"check", c.name}}, uint64_t{c.state == probes::health::healthy});
  w.family("hadns_check_overridden", "gauge", "1 while an operator override is in force.");
  for (const auto& c : s.checks) w.sample(labels{{"check", c.name}}, uint64_t{c.override_state.has_value()});
  w.family("hadns_check_latency_seconds", "gauge", "Latency of the check's last probe.");
  for (const auto& c : s.checks)
    if (c.last) w.sample(labels{{"check", c.name}}, c.last->latency_ms / 1000.0);
  w.family("hadns_check_last_ok", "gauge", "1 when the check's last probe counted as a success (after invert).");
  for (const auto& c : s.checks)
    if (c.last) w.sample(labels{{"check", c.name}}, uint64_t{probes::counted_ok(c)});

  w.family("hadns_check_probes_total", "counter", "Probes of the check since it appeared.");
  for (const auto& c : s.checks) w.sample(labels{{"check", c.name}}, c.probes);
  w.family("hadns_check_failures_total", "counter", "Failed probes of the check, by reason.");
  for (const auto& c : s.checks)
    for (const auto& [reason, n] : c.failures) w.sample(labels{{"check", c.name}, {"reason", reason}}, n);

  w.family("hadns_failover_live", "gauge", "1 for the side of a failover record that answers now.");
  for (const auto& r : s.records)
    for (auto side : {live::slot_state::primary, live::slot_state::secondary, live::slot_state::servfail})
      w.sample(labels{{"record", probes::record_text(r.key)}, {"side", live::to_string(side)}},
               uint64_t{r.live == side});
  w.family("hadns_failover_transitions_total", "counter", "Flips of a failover record since it appeared.");
  for (const auto& r : s.records) w.sample(labels{{"record", probes::record_text(r.key)}}, r.transitions);

  std::lock_guard lock(state_mutex_);
  w.family("hadns_reloads_total", "counter", "Successful reloads.");
  w.sample(labels{}, reloads_);
  w.family("hadns_reload_failures_total", "counter", "Refused reloads (the running config kept serving).");
  w.sample(labels{}, reload_failures_);
  w.family("hadns_config_generation", "gauge", "Generation of the running config (1 at start-up).");
  w.sample(labels{}, generation_);
  return w.text();
}

}  // namespace hadns::daemon
