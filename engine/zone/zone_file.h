// engine/zone/zone_file.h -- RFC 1035 master files read with libzscanner.
//
// Turns a zone file (or a failover entry's `values`) into plain records in
// wire form. Checks what a master file alone can tell: SOA at the apex (and
// only there), CNAME not beside other data, no data outside the origin,
// class IN only. Reads its files and nothing else.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/wire/rr_type.h"

namespace hadns::zone {

struct record {
  std::vector<uint8_t> owner;   // uncompressed wire name, lower-cased
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;   // uncompressed wire RDATA, names as written
  int line = 0;                 // line in `file` (0 for config values)
  std::string file;             // the file the record came from ($INCLUDE aware)
};

class zone_file_error : public std::runtime_error {
 public:
  zone_file_error(std::string file, int line, const std::string& message)
      : std::runtime_error(file + ":" + std::to_string(line) + ": " + message),
        file_(std::move(file)), line_(line), message_(message) {}
  const std::string& file() const noexcept { return file_; }
  int line() const noexcept { return line_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string file_;
  int line_;
  std::string message_;
};

// Loads `path` with `origin` (absolute, trailing dot) as the initial $ORIGIN.
// Throws zone_file_error naming file and line on syntax errors and on the
// checks above.
std::vector<record> load_zone_file(const std::string& path, std::string_view origin);

// Parses failover `values` (presentation RDATA of `type`, names relative to
// `origin`) for owner `owner` (absolute). Throws std::invalid_argument with a
// message saying which value is wrong and what was expected.
std::vector<record> parse_values(std::string_view origin, std::string_view owner,
                                 std::string_view type, uint32_t ttl,
                                 const std::vector<std::string>& values);

// Type mnemonic <-> number ("A" -> 1, "TYPE65534" -> 65534); 0 if unknown.
using wire::type_from_name;
using wire::type_to_name;

// Wire name <-> presentation ("\3www\7example\0" <-> "www.example.").
std::vector<uint8_t> name_from_text(std::string_view text);  // throws std::invalid_argument
std::string name_to_text(const uint8_t* wire, size_t len);

}  // namespace hadns::zone
