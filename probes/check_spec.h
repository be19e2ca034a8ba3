// probes/check_spec.h -- what one health check is, as the probe thread sees it.
//
// probes/ does not read the configuration itself: the daemon converts each
// configured check into a check_spec (probes/from_config.h) and hands the
// list to the prober. Plain data, copied freely; two specs compare equal when
// the check's definition is the same (a reload keeps the counters of an
// unchanged check and restarts those of a changed one). The check types are
// the config's own enum (and its to_string, engine/config/schema.h): one
// list of types, spelled one way.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/config/config.h"

namespace hadns::probes {

using check_type = config::check_type;

struct check_spec {
  std::string name;
  check_type type = check_type::http;
  std::string address;                     // IP address literal (http/https/tcp)
  uint16_t port = 80;
  std::string path = "/";                  // http/https
  std::string host;                        // Host header and TLS SNI; empty = the address
  std::string search_string;               // empty = none; case-sensitive
  std::chrono::milliseconds interval{10000};
  std::chrono::milliseconds timeout{4000};  // bounds the whole probe
  int failure_threshold = 3;               // consecutive failures to turn unhealthy
  int recovery_threshold = 3;              // consecutive successes to turn healthy again
  bool invert = false;                     // swap each result before counting
  bool disabled = false;                   // always healthy, never probed
  bool tls_verify = false;                 // https: verify the certificate and name
  std::vector<std::string> children;       // calculated: the checks it follows
  int healthy_threshold = -1;              // calculated: children needed; -1 = all

  bool operator==(const check_spec&) const = default;

  bool probed() const noexcept { return type != check_type::calculated && !disabled; }
};

// The most body bytes a probe reads (search_string must appear in them).
inline constexpr std::size_t k_max_body_bytes = 5120;

}  // namespace hadns::probes
