// engine/config/values.h -- the scalar syntaxes of the config file:
// durations, IP addresses, IP:port endpoints and allow_from prefixes.
//
// Pure string parsing, no YAML and no I/O, so the loader, hadnsctl and the
// control listener (`"for": "30m"`) all read these the same way. Every
// parser throws std::invalid_argument whose what() says what was expected,
// e.g. "expected a duration like 250ms, 10s, 2m or 1h".
#pragma once

#include <string>
#include <string_view>

#include "engine/config/config.h"

namespace hadns::config {

// "250ms", "10s", "2m", "1h": a non-negative integer and one unit, no space.
millis parse_duration(std::string_view text);

// The shortest exact spelling of `d` in the same syntax: 1500ms, 10s, 2m, 1h.
std::string format_duration(millis d);

// "192.0.2.1" or "2001:db8::1" (no brackets, no port, no scope id).
bool is_ip_address(std::string_view text);

// "IPv4:port" or "[IPv6]:port", port 1..65535.
endpoint parse_endpoint(std::string_view text);

// "a.b.c.d/n" (n 0..32) or "x::/n" (n 0..128); a bare address is a host
// prefix (/32 or /128). Host bits must be zero: "10.1.0.0/8" is an error
// rather than silently widened, because a typo in a private view's network
// would otherwise expose or hide the zone to the wrong clients. An IPv4-mapped
// IPv6 prefix (::ffff:a.b.c.d/n, n >= 96) is stored as the IPv4 prefix it
// denotes, since clients with mapped sources match as IPv4. `text` is the
// canonical spelling (inet_ntop + "/n").
prefix parse_prefix(std::string_view text);

// True when address `addr` (family, bytes) lies inside `p`.
bool prefix_contains(const prefix& p, int family, const uint8_t* addr);

}  // namespace hadns::config
