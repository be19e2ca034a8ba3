// tools/loadgen/report.cc -- text and JSON renderings of a run_summary.
#include "tools/loadgen/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace hadns::loadgen {
namespace {

const char* rcode_name(int rcode) {
  static const char* names[16] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                  "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
                                  "NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14",
                                  "RCODE15"};
  return names[rcode & 15];
}

double us(uint64_t ns) { return double(ns) / 1000.0; }

}  // namespace

std::string format_text(const run_summary& r) {
  const auto& s = r.stats;
  const auto& h = s.latency;
  std::string out;
  out += fmt::format("target          {}\n", r.target);
  out += fmt::format("query file      {} ({} queries)\n", r.query_file, r.queries_in_file);
  out += fmt::format("threads         {}, sockets {}, window {} per socket{}\n", r.threads,
                     r.sockets, r.window,
                     r.rate_limit > 0 ? fmt::format(", rate limit {:.0f} q/s", r.rate_limit) : "");
  out += fmt::format("duration        {:.3f} s sending, {:.3f} s with drain\n", r.send_seconds,
                     r.total_seconds);
  out += fmt::format("sent            {}\n", s.sent);
  out += fmt::format("received        {} ({:.3f} %)\n", s.received,
                     s.sent ? 100.0 * double(s.received) / double(s.sent) : 0.0);
  out += fmt::format("lost            {} (timed out {}, unanswered at end {})\n", s.lost(),
                     s.timed_out, s.unanswered);
  if (s.late || s.malformed || s.send_errors) {
    out += fmt::format("late/unknown    {}, malformed {}, send errors {}\n", s.late, s.malformed,
                       s.send_errors);
  }
  out += fmt::format("qps             {:.0f}\n", r.qps());
  out += "rcodes         ";
  for (int i = 0; i < 16; ++i) {
    if (s.rcodes[i]) out += fmt::format(" {} {}", rcode_name(i), s.rcodes[i]);
  }
  if (s.truncated) out += fmt::format(" (TC {})", s.truncated);
  out += "\n";
  out += fmt::format("latency us      min {:.1f} p50 {:.1f} p99 {:.1f} p99.9 {:.1f} max {:.1f} mean {:.1f}\n",
                     us(h.min()), us(h.percentile(0.50)), us(h.percentile(0.99)),
                     us(h.percentile(0.999)), us(h.max()), h.mean() / 1000.0);
  return out;
}

std::string format_json(const run_summary& r) {
  const auto& s = r.stats;
  const auto& h = s.latency;
  nlohmann::json rcodes = nlohmann::json::object();
  for (int i = 0; i < 16; ++i) {
    if (s.rcodes[i]) rcodes[rcode_name(i)] = s.rcodes[i];
  }
  nlohmann::json j = {
      {"target", r.target},
      {"query_file", r.query_file},
      {"queries_in_file", r.queries_in_file},
      {"threads", r.threads},
      {"sockets", r.sockets},
      {"window", r.window},
      {"rate_limit", r.rate_limit},
      {"send_seconds", r.send_seconds},
      {"total_seconds", r.total_seconds},
      {"sent", s.sent},
      {"received", s.received},
      {"lost", s.lost()},
      {"timed_out", s.timed_out},
      {"unanswered", s.unanswered},
      {"late", s.late},
      {"malformed", s.malformed},
      {"truncated", s.truncated},
      {"send_errors", s.send_errors},
      {"qps", r.qps()},
      {"rcodes", rcodes},
      {"latency_us",
       {{"min", us(h.min())},
        {"p50", us(h.percentile(0.50))},
        {"p99", us(h.percentile(0.99))},
        {"p99_9", us(h.percentile(0.999))},
        {"max", us(h.max())},
        {"mean", h.mean() / 1000.0}}},
  };
  return j.dump(2) + "\n";
}

}  // namespace hadns::loadgen
