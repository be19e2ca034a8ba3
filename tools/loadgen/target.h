// tools/loadgen/target.h -- the server address under load, and the rule that
// load only ever goes to a loopback address (127.0.0.0/8, ::1) unless the
// operator says the target lives in a network namespace made for the test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sys/socket.h>

namespace hadns::loadgen {

struct target {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  int family = 0;
  bool loopback = false;
  std::string text;  // "127.0.0.1:5353" / "[::1]:5353"
};

// Parses a numeric IPv4 or IPv6 address (no host names) and a port.
// Returns nullopt when `address` is not a numeric address.
std::optional<target> parse_target(const std::string& address, uint16_t port);

}  // namespace hadns::loadgen
