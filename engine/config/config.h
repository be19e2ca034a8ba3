// engine/config/config.h -- the typed configuration that hadnsd runs on.
//
// A `config` is what conf/*.yaml says after validation: every key checked,
// every default applied, every path made absolute. It is plain data; the
// loader (loader.h) builds it and the compiler (engine/zone) turns it into a
// Snapshot. Every item keeps the file and line it came from so that errors
// found later (zone compile, failover values) still name file, line and key.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hadns::config {

using millis = std::chrono::milliseconds;

// Where a config item came from.
struct source_pos {
  std::string file;
  int line = 0;
};

// An error naming file, line and key, and what was expected.
class config_error : public std::runtime_error {
 public:
  config_error(std::string file, int line, std::string key, const std::string& message)
      : std::runtime_error(file + ":" + std::to_string(line) + ": " + key + ": " + message),
        file_(std::move(file)), line_(line), key_(std::move(key)), message_(message) {}
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  const std::string& key() const noexcept { return key_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_;
  std::string key_;
  std::string message_;
};

// IP:port or [IPv6]:port.
struct endpoint {
  int family = 0;                 // AF_INET or AF_INET6
  std::array<uint8_t, 16> addr{};  // network order; IPv4 in the first 4 bytes
  uint16_t port = 0;
  std::string text;               // as written, for logs
};

// An address prefix for allow_from. IPv4 prefixes are stored as IPv4
// (family AF_INET, 4 address bytes), never as IPv4-mapped IPv6.
struct prefix {
  int family = 0;
  std::array<uint8_t, 16> addr{};  // host bits cleared
  int length = 0;
  std::string text;                // canonical "a.b.c.d/n" or "x::/n"
};

// server.xdp: UDP for `listen` served through AF_XDP on one interface.
enum class xdp_mode { auto_mode, native, generic };
enum class xdp_zero_copy { auto_mode, on, off };
struct xdp_config {
  std::string interface;               // required when server.xdp is present
  int queues = 0;                      // 0 = auto (every RX queue of the interface)
  xdp_mode mode = xdp_mode::auto_mode; // auto: native, else generic
  xdp_zero_copy zero_copy = xdp_zero_copy::auto_mode;
};

struct server_config {
  std::vector<endpoint> listen;        // restart-only
  int shards = 0;                      // 0 = auto (CPUs of the affinity mask); restart-only
  uint16_t edns_udp_size = 1232;       // 512..4096
  millis tcp_idle_timeout{10000};
  uint32_t tcp_max_connections = 10000;
  std::string user;                    // empty = do not drop privileges
  std::optional<xdp_config> xdp;       // nullopt = off; restart-only
};

struct control_config {
  std::optional<endpoint> listen;      // nullopt = off; default 127.0.0.1:8053
  std::string token_file;              // absolute, empty = no token
  std::string token;                   // contents of token_file, trimmed
  std::string state_file;              // absolute; default <config dir>/hadns-state.json
};

enum class check_type { http, https, tcp, calculated };

struct health_check {
  std::string name;
  check_type type = check_type::http;
  std::string address;                 // IP address text (http/https/tcp)
  uint16_t port = 0;                   // default 80 / 443; required for tcp
  std::string path = "/";
  std::string host;                    // Host header and SNI; empty = none
  std::string search_string;           // empty = none
  millis interval{10000};              // 100ms..300s
  millis timeout{4000};                // default min(interval, 4s); <= interval
  int failure_threshold = 3;           // 1..10
  int recovery_threshold = 3;          // default = failure_threshold
  bool invert = false;
  bool disabled = false;
  bool tls_verify = false;             // https only
  std::vector<std::string> children;   // calculated only
  int healthy_threshold = -1;          // calculated only; -1 = all children
  source_pos pos;
};

enum class both_policy { primary, secondary, servfail };

struct failover_side {
  std::vector<std::string> values;     // presentation format, relative to origin
  std::string health_check;            // empty = none (secondary only)
  source_pos pos;
};

struct failover_record {
  std::string name;                    // absolute, with trailing dot, as written (case kept)
  std::string type;                    // type mnemonic upper-cased, e.g. "A", "TXT", "TYPE65"
  uint16_t qtype = 0;
  uint32_t ttl = 60;
  failover_side primary;
  failover_side secondary;
  millis failback_delay{0};
  both_policy both_unhealthy = both_policy::primary;
  source_pos pos;                      // the failover entry (the "- name:" line)
};

struct zone_config {
  std::string origin;                  // absolute, trailing dot, lower-cased
  std::string file;                    // absolute path of the master file
  std::vector<prefix> allow_from;      // empty = public
  std::vector<failover_record> failover;
  source_pos pos;
};

struct config {
  std::string path;                    // absolute path of the YAML file
  std::string dir;                     // its folder
  server_config server;
  control_config control;
  std::map<std::string, health_check> checks;
  std::vector<zone_config> zones;
};

}  // namespace hadns::config
