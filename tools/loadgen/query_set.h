// tools/loadgen/query_set.h -- the queries a load run sends, already in wire form.
//
// Reads a dnsperf input file ("NAME TYPE" a line; blank lines and lines
// starting with ';' or '#' are skipped) and encodes each line once into a
// complete DNS query (header, question, optional EDNS0 OPT). Senders copy a
// query and patch its ID; nothing is encoded on the send path.
//
// Concurrency: built once before the run, then read-only from every thread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hadns::loadgen {

struct query_options {
  bool edns = false;               // append an OPT record
  uint16_t edns_udp_size = 1232;   // its advertised UDP payload size
  bool recursion_desired = false;  // RD bit (authoritative servers ignore it)
};

class query_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One encoded query; bytes [0,2) are the ID, patched per send.
struct wire_query {
  std::vector<uint8_t> bytes;
};

// Encodes one query. Throws query_error on a bad name or unknown type.
wire_query encode_query(std::string_view name, std::string_view type, const query_options& opts);

// Type mnemonic (case-insensitive) or TYPEnnn to its number; 0 if unknown.
uint16_t type_from_text(std::string_view type);

// Reads a dnsperf-format file. Throws query_error naming file and line.
std::vector<wire_query> load_query_file(const std::string& path, const query_options& opts);

}  // namespace hadns::loadgen
