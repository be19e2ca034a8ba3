// engine/config/dns_text.h -- domain names and RR type mnemonics as the
// config file writes them (zone origins, failover names and types).
//
// Only syntax and naming rules are checked here; what a name holds is the
// zone compiler's business. Throws std::invalid_argument saying what was
// expected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hadns::config {

// A zone origin: absolute (a missing trailing dot is added), lower-cased,
// labels of 1..63 octets, at most 255 octets in wire form. "." is the root.
std::string normalize_origin(std::string_view text);

// A failover owner name: "@" is the origin, a name ending in "." is absolute
// and must be at or below `origin`, anything else is relative to `origin`.
// Returns the absolute name with its letter case kept.
std::string absolute_name(std::string_view text, std::string_view origin);

// True when absolute `name` equals or lies below absolute `origin`
// (case-insensitive).
bool is_at_or_below(std::string_view name, std::string_view origin);

// ASCII letters lower-cased, every other byte kept (RFC 4343: DNS names
// compare without regard to ASCII case).
std::string lower_case(std::string_view text);

// A type mnemonic (case-insensitive: "a", "TXT", "TYPE65") to its number;
// `canonical` gets the upper-case mnemonic ("HTTPS" for TYPE65, "TYPE65280"
// for unassigned numbers). Meta types (ANY, AXFR, OPT, ...) and TYPE0 are
// errors; whether a type may be a failover type is the caller's rule.
uint16_t parse_rr_type(std::string_view text, std::string& canonical);

}  // namespace hadns::config
