// engine/config/schema.h -- the one table of every config key.
//
// Each key has its section, value kind, default, range, the check types it
// applies to (health_checks only), whether it is required, whether a reload
// can change it, and a setter that stores a parsed value into the typed
// config (config.h). The loader is driven by this table: unknown keys,
// wrong types, ranges, applicability, required keys and static defaults all
// come from here, never from per-key code. Defaults that depend on other
// keys (timeout, recovery_threshold, port, healthy_threshold, state_file)
// are marked `computed` and filled by the loader after the section is read.
//
// Threads: the table is immutable static data; read it from anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/config/config.h"

namespace hadns::config {

enum class section { top, server, xdp, control, health_check, zone, failover, failover_side };

enum class value_kind {
  integer,        // decimal in [min, max]
  duration,       // 250ms, 10s, 2m, 1h; [min, max] in milliseconds
  boolean,        // true / false
  string,         // scalar text, length in [min, max] (max 0 = unbounded)
  path,           // file path, made absolute against the config's folder
  choice,         // one of `choices` ("a|b|c")
  shards,         // "auto" or an integer in [min, max]; auto = 0
  ip_address,     // IPv4 or IPv6 address, no port
  endpoint,       // IP:port or [IPv6]:port, or "off"
  endpoint_list,  // non-empty list of endpoints
  prefix_list,    // list of allow_from prefixes
  name_list,      // non-empty list of check names
  value_list,     // non-empty list of presentation-format values
  rr_type,        // type mnemonic
  dns_name,       // domain name text (resolved by the loader)
  map,            // a nested section (server, control, primary, secondary)
  check_map,      // health_checks: name -> check
  zone_list,      // zones
  failover_list,  // zones[].failover
};

// Bit per check_type, for key_spec::applies_to and required_for.
inline constexpr unsigned check_bit(check_type t) { return 1u << static_cast<unsigned>(t); }
inline constexpr unsigned k_http_like = check_bit(check_type::http) | check_bit(check_type::https);
inline constexpr unsigned k_probed = k_http_like | check_bit(check_type::tcp);
inline constexpr unsigned k_all_checks = k_probed | check_bit(check_type::calculated);

// A parsed value; the member used depends on the key's kind.
struct value {
  int64_t integer = 0;       // integer, shards
  millis duration{0};
  bool boolean = false;
  std::string text;          // string, path, choice, ip_address, rr_type (canonical), dns_name
  uint16_t rr_type = 0;
  std::vector<std::string> texts;           // name_list, value_list
  std::optional<endpoint> single_endpoint;  // endpoint (nullopt = off)
  std::vector<endpoint> endpoints;
  std::vector<prefix> prefixes;
};

// What a setter writes into.
using target = std::variant<config*, server_config*, xdp_config*, control_config*, health_check*, zone_config*,
                            failover_record*, failover_side*>;

struct key_spec {
  section where;
  std::string_view key;
  value_kind kind;
  std::string_view default_value;  // written like a YAML value; empty = none
  bool computed_default = false;   // derived from other keys by the loader;
                                   // default_value then only describes it
  int64_t min = 0;                 // integer/shards range; durations in ms; string length
  int64_t max = 0;
  std::string_view choices;        // choice: "a|b|c"
  unsigned applies_to = k_all_checks;  // health_check keys: check types that accept it
  unsigned required_for = 0;           // health_check keys: check types that need it
  bool required = false;               // other sections: must be present
  bool restart_only = false;           // a reload cannot change it (reported, not applied)
  void (*set)(const target&, value&&) = nullptr;  // nullptr for nested sections
  std::string_view doc;                // one line for docs and `expected` messages
};

// Every key, grouped by section in file order.
std::span<const key_spec> schema();

// The keys of one section.
std::vector<const key_spec*> keys_of(section s);

// The spec of `key` in `s`, or nullptr.
const key_spec* find_key(section s, std::string_view key);

// "the check types that accept it", e.g. "http, https".
std::string check_types_text(unsigned mask);
// The one spelling of each check type (config, /status, logs).
constexpr const char* to_string(check_type t) noexcept {
  switch (t) {
    case check_type::http: return "http";
    case check_type::https: return "https";
    case check_type::tcp: return "tcp";
    case check_type::calculated: return "calculated";
  }
  return "?";
}
const char* to_string(both_policy p) noexcept;

// What a key of `s` expects, for messages: "an integer 1..10", "a duration
// 100ms..300s", "one of http|https|tcp|calculated", ...
std::string expected_text(const key_spec& spec);

}  // namespace hadns::config
