// engine/wire/rr_type.h -- RR type mnemonics and numbers, both ways ("A" <->
// 1, "HTTPS" <-> 65, RFC 3597 "TYPE65534" <-> 65534), for the zone reader,
// the config, the status pages and the load generator alike.
//
// The one table is libknot's descriptor table, the same one libzscanner
// reads zone files with, so every part of hadns spells a type the way the
// zone files do. Not on the packet path (type_to_name allocates).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hadns::wire {

// Case-insensitive ("a", "Aaaa", "type65"); 0 if it is no type.
uint16_t type_from_name(std::string_view name);

// The upper-case mnemonic, or "TYPEnnn" for a number without one.
std::string type_to_name(uint16_t type);

}  // namespace hadns::wire
