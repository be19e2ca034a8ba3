// engine/config/schema.cc -- the table of every config key (see schema.h).
//
// To add a key: add a field to config.h, one row here (with its setter), and
// annotate it in conf/example.yaml; the loader needs no change unless the
// default depends on other keys.
#include "engine/config/schema.h"

#include <array>
#include <stdexcept>

#include "engine/config/dns_text.h"
#include "engine/config/values.h"

namespace hadns::config {
namespace {

template <class T>
T& as(const target& t) {
  return *std::get<T*>(t);
}

constexpr unsigned k_https = check_bit(check_type::https);
constexpr unsigned k_tcp = check_bit(check_type::tcp);
constexpr unsigned k_calculated = check_bit(check_type::calculated);
constexpr int64_t k_second = 1000;

check_type check_type_from(const std::string& s) {
  if (s == "http") return check_type::http;
  if (s == "https") return check_type::https;
  if (s == "tcp") return check_type::tcp;
  return check_type::calculated;
}

both_policy both_from(const std::string& s) {
  if (s == "secondary") return both_policy::secondary;
  if (s == "servfail") return both_policy::servfail;
  return both_policy::primary;
}

xdp_mode xdp_mode_from(const std::string& s) {
  if (s == "native") return xdp_mode::native;
  if (s == "generic") return xdp_mode::generic;
  return xdp_mode::auto_mode;
}

xdp_zero_copy zero_copy_from(const std::string& s) {
  if (s == "true") return xdp_zero_copy::on;
  if (s == "false") return xdp_zero_copy::off;
  return xdp_zero_copy::auto_mode;
}

using S = section;
using K = value_kind;

// clang-format off
const std::array k_schema{
  // ---- top level
  key_spec{S::top, "server", K::map, "", false, 0, 0, "", k_all_checks, 0, true, false, nullptr,
           "DNS listeners and limits"},
  key_spec{S::top, "control", K::map, "", false, 0, 0, "", k_all_checks, 0, false, false, nullptr,
           "the control listener (HTTP: /metrics /status /healthz, overrides, reload)"},
  key_spec{S::top, "health_checks", K::check_map, "", false, 0, 0, "", k_all_checks, 0, false, false, nullptr,
           "health checks by name"},
  key_spec{S::top, "zones", K::zone_list, "", false, 0, 0, "", k_all_checks, 0, false, false, nullptr,
           "the zones served, each with optional failover records"},

  // ---- server
  key_spec{S::server, "listen", K::endpoint_list, "", false, 0, 0, "", k_all_checks, 0, true, true,
           [](const target& t, value&& v) { as<server_config>(t).listen = std::move(v.endpoints); },
           "UDP and TCP on each address"},
  key_spec{S::server, "shards", K::shards, "auto", false, 1, 1024, "", k_all_checks, 0, false, true,
           [](const target& t, value&& v) { as<server_config>(t).shards = static_cast<int>(v.integer); },
           "auto = one per CPU of the affinity mask"},
  key_spec{S::server, "edns_udp_size", K::integer, "1232", false, 512, 4096, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<server_config>(t).edns_udp_size = static_cast<uint16_t>(v.integer); },
           "our EDNS UDP payload size"},
  key_spec{S::server, "tcp_idle_timeout", K::duration, "10s", false, 100, 3600 * k_second, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<server_config>(t).tcp_idle_timeout = v.duration; },
           "close idle TCP connections after this"},
  key_spec{S::server, "tcp_max_connections", K::integer, "10000", false, 1, 1000000, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<server_config>(t).tcp_max_connections = static_cast<uint32_t>(v.integer); },
           "open TCP connections, all shards together"},
  key_spec{S::server, "user", K::string, "", false, 1, 32, "", k_all_checks, 0, false, true,
           [](const target& t, value&& v) { as<server_config>(t).user = std::move(v.text); },
           "drop to this user after binding (privileges cannot be regained, so restart-only)"},
  key_spec{S::server, "xdp", K::map, "", false, 0, 0, "", k_all_checks, 0, false, true, nullptr,
           "serve UDP through AF_XDP on one interface (root or CAP_NET_ADMIN+CAP_BPF)"},

  // ---- server.xdp
  key_spec{S::xdp, "interface", K::string, "", false, 1, 15, "", k_all_checks, 0, true, false,
           [](const target& t, value&& v) { as<xdp_config>(t).interface = std::move(v.text); },
           "the network interface whose RX queues get an AF_XDP socket each"},
  key_spec{S::xdp, "queues", K::shards, "auto", false, 1, 256, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<xdp_config>(t).queues = static_cast<int>(v.integer); },
           "auto = every RX queue of the interface"},
  key_spec{S::xdp, "mode", K::choice, "auto", false, 0, 0, "auto|native|generic", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<xdp_config>(t).mode = xdp_mode_from(v.text); },
           "native (driver) or generic (skb) XDP; auto = native, else generic"},
  key_spec{S::xdp, "zero_copy", K::choice, "auto", false, 0, 0, "auto|true|false", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<xdp_config>(t).zero_copy = zero_copy_from(v.text); },
           "auto = zero-copy where the driver has it, else copy"},

  // ---- control
  key_spec{S::control, "listen", K::endpoint, "127.0.0.1:8053", false, 0, 0, "", k_all_checks, 0, false, true,
           [](const target& t, value&& v) { as<control_config>(t).listen = std::move(v.single_endpoint); },
           "`off` disables the control listener"},
  key_spec{S::control, "token_file", K::path, "", false, 0, 0, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<control_config>(t).token_file = std::move(v.text); },
           "bearer token required for every POST; must exist and be non-empty"},
  key_spec{S::control, "state_file", K::path, "hadns-state.json", false, 0, 0, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<control_config>(t).state_file = std::move(v.text); },
           "where overrides persist (default beside the config file)"},

  // ---- health_checks.NAME
  key_spec{S::health_check, "type", K::choice, "", false, 0, 0, "http|https|tcp|calculated", k_all_checks, k_all_checks, false, false,
           [](const target& t, value&& v) { as<health_check>(t).type = check_type_from(v.text); },
           "the kind of check"},
  key_spec{S::health_check, "address", K::ip_address, "", false, 0, 0, "", k_probed, k_probed, false, false,
           [](const target& t, value&& v) { as<health_check>(t).address = std::move(v.text); },
           "IP address of the target"},
  key_spec{S::health_check, "port", K::integer, "80 (http), 443 (https)", true, 1, 65535, "", k_probed, k_tcp, false, false,
           [](const target& t, value&& v) { as<health_check>(t).port = static_cast<uint16_t>(v.integer); },
           "TCP port of the target; required for tcp"},
  key_spec{S::health_check, "path", K::string, "/", false, 1, 2048, "", k_http_like, 0, false, false,
           [](const target& t, value&& v) {
             if (v.text.front() != '/') throw std::invalid_argument("expected a path starting with /");
             as<health_check>(t).path = std::move(v.text);
           },
           "HTTP request path"},
  key_spec{S::health_check, "host", K::string, "", false, 1, 253, "", k_http_like, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).host = std::move(v.text); },
           "Host header and TLS SNI"},
  key_spec{S::health_check, "search_string", K::string, "", false, 1, 255, "", k_http_like, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).search_string = std::move(v.text); },
           "must appear in the first 5120 body bytes (case-sensitive)"},
  key_spec{S::health_check, "interval", K::duration, "10s", false, 100, 300 * k_second, "", k_probed, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).interval = v.duration; },
           "time between probes"},
  key_spec{S::health_check, "timeout", K::duration, "min(interval, 4s)", true, 10, 300 * k_second, "", k_probed, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).timeout = v.duration; },
           "bounds the whole probe; at most interval"},
  key_spec{S::health_check, "failure_threshold", K::integer, "3", false, 1, 10, "", k_probed, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).failure_threshold = static_cast<int>(v.integer); },
           "consecutive failures that make it unhealthy"},
  key_spec{S::health_check, "recovery_threshold", K::integer, "failure_threshold", true, 1, 10, "", k_probed, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).recovery_threshold = static_cast<int>(v.integer); },
           "consecutive successes that make it healthy again"},
  key_spec{S::health_check, "invert", K::boolean, "false", false, 0, 0, "", k_probed, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).invert = v.boolean; },
           "swap each result before the thresholds count it"},
  key_spec{S::health_check, "disabled", K::boolean, "false", false, 0, 0, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).disabled = v.boolean; },
           "a disabled check is healthy"},
  key_spec{S::health_check, "tls_verify", K::boolean, "false", false, 0, 0, "", k_https, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).tls_verify = v.boolean; },
           "verify the certificate"},
  key_spec{S::health_check, "children", K::name_list, "", false, 0, 0, "", k_calculated, k_calculated, false, false,
           [](const target& t, value&& v) { as<health_check>(t).children = std::move(v.texts); },
           "the checks this one is calculated from"},
  key_spec{S::health_check, "healthy_threshold", K::integer, "all children", true, 0, 1000000, "", k_calculated, 0, false, false,
           [](const target& t, value&& v) { as<health_check>(t).healthy_threshold = static_cast<int>(v.integer); },
           "healthy children needed; 0..children"},

  // ---- zones[i]
  key_spec{S::zone, "origin", K::dns_name, "", false, 0, 0, "", k_all_checks, 0, true, false,
           [](const target& t, value&& v) { as<zone_config>(t).origin = normalize_origin(v.text); },
           "the zone's apex"},
  key_spec{S::zone, "file", K::path, "", false, 0, 0, "", k_all_checks, 0, true, false,
           [](const target& t, value&& v) { as<zone_config>(t).file = std::move(v.text); },
           "RFC 1035 master file"},
  key_spec{S::zone, "allow_from", K::prefix_list, "", false, 0, 0, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<zone_config>(t).allow_from = std::move(v.prefixes); },
           "a private zone: only these networks see it"},
  key_spec{S::zone, "failover", K::failover_list, "", false, 0, 0, "", k_all_checks, 0, false, false, nullptr,
           "failover record sets"},

  // ---- zones[i].failover[j]
  key_spec{S::failover, "name", K::dns_name, "", false, 0, 0, "", k_all_checks, 0, true, false,
           [](const target& t, value&& v) { as<failover_record>(t).name = std::move(v.text); },
           "relative to origin, or absolute with a trailing dot"},
  key_spec{S::failover, "type", K::rr_type, "", false, 0, 0, "", k_all_checks, 0, true, false,
           [](const target& t, value&& v) {
             as<failover_record>(t).type = std::move(v.text);
             as<failover_record>(t).qtype = v.rr_type;
           },
           "any type but SOA and NS"},
  key_spec{S::failover, "ttl", K::integer, "60", false, 0, 2147483647, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<failover_record>(t).ttl = static_cast<uint32_t>(v.integer); },
           "TTL of both sides"},
  key_spec{S::failover, "primary", K::map, "", false, 0, 0, "", k_all_checks, 0, true, false, nullptr,
           "answered while its check is healthy"},
  key_spec{S::failover, "secondary", K::map, "", false, 0, 0, "", k_all_checks, 0, true, false, nullptr,
           "answered while the primary is unhealthy"},
  key_spec{S::failover, "failback_delay", K::duration, "0s", false, 0, 24 * 3600 * k_second, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<failover_record>(t).failback_delay = v.duration; },
           "hold the secondary until the primary has been healthy this long"},
  key_spec{S::failover, "both_unhealthy", K::choice, "primary", false, 0, 0, "primary|secondary|servfail", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<failover_record>(t).both_unhealthy = both_from(v.text); },
           "the answer when both sides are unhealthy"},

  // ---- zones[i].failover[j].primary / .secondary
  key_spec{S::failover_side, "values", K::value_list, "", false, 0, 0, "", k_all_checks, 0, true, false,
           [](const target& t, value&& v) { as<failover_side>(t).values = std::move(v.texts); },
           "RDATA in presentation format, relative to the origin"},
  key_spec{S::failover_side, "health_check", K::string, "", false, 1, 0, "", k_all_checks, 0, false, false,
           [](const target& t, value&& v) { as<failover_side>(t).health_check = std::move(v.text); },
           "required for the primary, optional for the secondary"},
};
// clang-format on

}  // namespace

std::span<const key_spec> schema() { return k_schema; }

std::vector<const key_spec*> keys_of(section s) {
  std::vector<const key_spec*> out;
  for (const key_spec& k : k_schema)
    if (k.where == s) out.push_back(&k);
  return out;
}

const key_spec* find_key(section s, std::string_view key) {
  for (const key_spec& k : k_schema)
    if (k.where == s && k.key == key) return &k;
  return nullptr;
}

const char* to_string(both_policy p) noexcept {
  switch (p) {
    case both_policy::primary: return "primary";
    case both_policy::secondary: return "secondary";
    case both_policy::servfail: return "servfail";
  }
  return "?";
}

std::string check_types_text(unsigned mask) {
  std::string out;
  for (check_type t : {check_type::http, check_type::https, check_type::tcp, check_type::calculated}) {
    if (!(mask & check_bit(t))) continue;
    if (!out.empty()) out += ", ";
    out += to_string(t);
  }
  return out;
}

std::string expected_text(const key_spec& spec) {
  const auto range = [&] { return std::to_string(spec.min) + ".." + std::to_string(spec.max); };
  switch (spec.kind) {
    case K::integer: return "an integer " + range();
    case K::duration:
      return "a duration " + format_duration(millis{spec.min}) + ".." + format_duration(millis{spec.max}) +
             " (like 250ms, 10s, 2m, 1h)";
    case K::boolean: return "true or false";
    case K::string:
      return spec.max ? "a string of " + std::to_string(spec.min) + ".." + std::to_string(spec.max) + " bytes"
                      : std::string("a non-empty string");
    case K::path: return "a file path (relative to the config file's folder, or absolute)";
    case K::choice: return "one of " + std::string(spec.choices);
    case K::shards: return "auto or an integer " + range();
    case K::ip_address: return "an IPv4 or IPv6 address (no port)";
    case K::endpoint: return "IPv4:port, [IPv6]:port or off";
    case K::endpoint_list: return "a non-empty list of IPv4:port or [IPv6]:port";
    case K::prefix_list: return "a list of prefixes like 10.0.0.0/8 or 2001:db8::/32";
    case K::name_list: return "a non-empty list of health check names";
    case K::value_list: return "a non-empty list of values in presentation format";
    case K::rr_type: return "a type mnemonic like A, AAAA, TXT, MX or TYPEnnn";
    case K::dns_name: return "a domain name";
    case K::map: return "a map of keys";
    case K::check_map: return "a map of check names to checks";
    case K::zone_list: return "a list of zones";
    case K::failover_list: return "a list of failover records";
  }
  return "?";
}

}  // namespace hadns::config
