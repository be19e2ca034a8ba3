// probes/from_config.cc -- configuration to check specs (see from_config.h).
#include "probes/from_config.h"

namespace hadns::probes {

check_spec spec_from_config(const config::health_check& c) {
  check_spec s;
  s.name = c.name;
  s.type = c.type;
  s.address = c.address;
  s.port = c.port != 0 ? c.port : (s.type == check_type::https ? 443 : 80);
  s.path = c.path.empty() ? "/" : c.path;
  s.host = c.host;
  s.search_string = c.search_string;
  s.interval = c.interval;
  s.timeout = c.timeout;
  s.failure_threshold = c.failure_threshold;
  s.recovery_threshold = c.recovery_threshold;
  s.invert = c.invert;
  s.disabled = c.disabled;
  s.tls_verify = c.tls_verify;
  s.children = c.children;
  s.healthy_threshold = c.healthy_threshold;
  return s;
}

std::vector<check_spec> specs_from_config(const config::config& cfg) {
  std::vector<check_spec> out;
  out.reserve(cfg.checks.size());
  for (const auto& [name, check] : cfg.checks) {
    check_spec s = spec_from_config(check);
    if (s.name.empty()) s.name = name;
    out.push_back(std::move(s));
  }
  return out;
}

live::both_unhealthy_policy policy_from_config(config::both_policy p) noexcept {
  switch (p) {
    case config::both_policy::primary: return live::both_unhealthy_policy::primary;
    case config::both_policy::secondary: return live::both_unhealthy_policy::secondary;
    case config::both_policy::servfail: return live::both_unhealthy_policy::servfail;
  }
  return live::both_unhealthy_policy::primary;
}

}  // namespace hadns::probes
