// tools/loadgen/query_set.cc -- dnsperf query file to wire queries (RFC 1035 4.1).
#include "tools/loadgen/query_set.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <utility>

#include "engine/wire/rr_type.h"

namespace hadns::loadgen {
namespace {

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v & 0xff));
}

// Presentation name to wire labels. Supports \X and \DDD escapes; "." is the root.
void put_name(std::vector<uint8_t>& out, std::string_view name) {
  if (name == ".") {
    out.push_back(0);
    return;
  }
  size_t wire_len = 1;
  std::vector<uint8_t> label;
  auto flush = [&] {
    if (label.empty()) throw query_error("empty label in name '" + std::string(name) + "'");
    if (label.size() > 63) throw query_error("label longer than 63 in '" + std::string(name) + "'");
    wire_len += label.size() + 1;
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    label.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '.') {
      flush();
      continue;
    }
    if (c == '\\' && i + 1 < name.size()) {
      if (i + 3 < name.size() && std::isdigit(static_cast<unsigned char>(name[i + 1])) &&
          std::isdigit(static_cast<unsigned char>(name[i + 2])) &&
          std::isdigit(static_cast<unsigned char>(name[i + 3]))) {
        int v = (name[i + 1] - '0') * 100 + (name[i + 2] - '0') * 10 + (name[i + 3] - '0');
        if (v > 255) throw query_error("bad \\DDD escape in '" + std::string(name) + "'");
        label.push_back(static_cast<uint8_t>(v));
        i += 3;
      } else {
        label.push_back(static_cast<uint8_t>(name[++i]));
      }
      continue;
    }
    label.push_back(static_cast<uint8_t>(c));
  }
  if (!label.empty()) flush();
  out.push_back(0);
  if (wire_len > 255) throw query_error("name longer than 255 octets: '" + std::string(name) + "'");
}

}  // namespace

uint16_t type_from_text(std::string_view type) { return wire::type_from_name(type); }

wire_query encode_query(std::string_view name, std::string_view type, const query_options& opts) {
  uint16_t qtype = type_from_text(type);
  if (qtype == 0) throw query_error("unknown type '" + std::string(type) + "'");
  wire_query q;
  auto& b = q.bytes;
  b.reserve(12 + name.size() + 2 + 4 + 11);
  put16(b, 0);                                          // ID, patched per send
  put16(b, opts.recursion_desired ? 0x0100 : 0x0000);   // QUERY, RD as asked
  put16(b, 1);                                          // QDCOUNT
  put16(b, 0);                                          // ANCOUNT
  put16(b, 0);                                          // NSCOUNT
  put16(b, opts.edns ? 1 : 0);                          // ARCOUNT
  put_name(b, name);
  put16(b, qtype);
  put16(b, 1);  // class IN
  if (opts.edns) {
    b.push_back(0);                // root owner
    put16(b, 41);                  // OPT
    put16(b, opts.edns_udp_size);  // class = UDP payload size
    put16(b, 0);                   // extended rcode, version
    put16(b, 0);                   // flags (DO clear)
    put16(b, 0);                   // RDLENGTH
  }
  return q;
}

std::vector<wire_query> load_query_file(const std::string& path, const query_options& opts) {
  std::ifstream in(path);
  if (!in) throw query_error(path + ": cannot open");
  std::vector<wire_query> out;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
    size_t a = 0;
    while (a < line.size() && is_space(line[a])) ++a;
    if (a == line.size() || line[a] == ';' || line[a] == '#') continue;
    size_t b = a;
    while (b < line.size() && !is_space(line[b])) ++b;
    size_t c = b;
    while (c < line.size() && is_space(line[c])) ++c;
    size_t d = c;
    while (d < line.size() && !is_space(line[d])) ++d;
    std::string_view name(line.data() + a, b - a);
    std::string_view type = c < line.size() ? std::string_view(line.data() + c, d - c) : "A";
    try {
      out.push_back(encode_query(name, type, opts));
    } catch (const query_error& e) {
      throw query_error(path + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }
  if (out.empty()) throw query_error(path + ": no queries");
  return out;
}

}  // namespace hadns::loadgen
