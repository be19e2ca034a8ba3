// engine/config/reload_diff.cc -- restart-only changes and check equality.
#include "engine/config/reload_diff.h"

#include <stdexcept>
#include <tuple>

#include "engine/config/schema.h"

namespace hadns::config {
namespace {

bool same_endpoint(const endpoint& a, const endpoint& b) {
  return a.family == b.family && a.addr == b.addr && a.port == b.port;
}

bool same_listen(const std::vector<endpoint>& a, const std::vector<endpoint>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!same_endpoint(a[i], b[i])) return false;
  return true;
}

bool same_optional(const std::optional<endpoint>& a, const std::optional<endpoint>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || same_endpoint(*a, *b);
}

bool same_xdp(const std::optional<xdp_config>& a, const std::optional<xdp_config>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || std::tie(a->interface, a->queues, a->mode, a->zero_copy) ==
                   std::tie(b->interface, b->queues, b->mode, b->zero_copy);
}

// Whether restart-only key `spec` has the same value in both configs.
bool unchanged(const key_spec& spec, const config& a, const config& b) {
  if (spec.where == section::server && spec.key == "listen") return same_listen(a.server.listen, b.server.listen);
  if (spec.where == section::server && spec.key == "shards") return a.server.shards == b.server.shards;
  if (spec.where == section::server && spec.key == "user") return a.server.user == b.server.user;
  if (spec.where == section::server && spec.key == "xdp") return same_xdp(a.server.xdp, b.server.xdp);
  if (spec.where == section::control && spec.key == "listen") return same_optional(a.control.listen, b.control.listen);
  throw std::logic_error("restart_only_changes: no comparison for restart-only key " + std::string(spec.key));
}

const char* section_name(section s) {
  switch (s) {
    case section::server: return "server.";
    case section::control: return "control.";
    default: return "";
  }
}

auto definition(const health_check& c) {
  return std::tie(c.name, c.type, c.address, c.port, c.path, c.host, c.search_string, c.interval, c.timeout,
                  c.failure_threshold, c.recovery_threshold, c.invert, c.disabled, c.tls_verify, c.children,
                  c.healthy_threshold);
}

}  // namespace

std::vector<std::string> restart_only_changes(const config& running, const config& next) {
  std::vector<std::string> out;
  for (const key_spec& spec : schema())
    if (spec.restart_only && !unchanged(spec, running, next)) out.push_back(section_name(spec.where) + std::string(spec.key));
  return out;
}

bool same_definition(const health_check& a, const health_check& b) { return definition(a) == definition(b); }

}  // namespace hadns::config
