// tests/engine/core/dns_test_util.h -- building queries and reading
// responses in tests: a minimal, strict DNS message reader (names
// decompressed, every bound checked) and config builders for compile().
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/answer.h"
#include "engine/zone/compile.h"
#include "engine/zone/snapshot.h"

namespace hadns::test {

inline std::string zone_path(const std::string& file) {
  return std::string(HADNS_SOURCE_DIR) + "/tests/data/zones/" + file;
}

// "www.Example." -> wire, case kept.
inline std::vector<uint8_t> wire_name_of(const std::string& text) {
  std::vector<uint8_t> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t dot = text.find('.', i);
    if (dot == std::string::npos) dot = text.size();
    out.push_back(static_cast<uint8_t>(dot - i));
    out.insert(out.end(), text.begin() + static_cast<long>(i), text.begin() + static_cast<long>(dot));
    i = dot + 1;
  }
  out.push_back(0);
  return out;
}

struct query_opts {
  uint16_t id = 0x1234;
  uint16_t flags = 0x0100;  // RD
  uint16_t qclass = 1;
  bool edns = false;
  uint16_t udp = 1232;
  uint8_t version = 0;
  bool do_bit = false;
};

inline std::vector<uint8_t> make_query(const std::string& name, uint16_t type, query_opts o = {}) {
  std::vector<uint8_t> q = {uint8_t(o.id >> 8), uint8_t(o.id), uint8_t(o.flags >> 8), uint8_t(o.flags),
                            0, 1, 0, 0, 0, 0, 0, uint8_t(o.edns ? 1 : 0)};
  auto n = wire_name_of(name);
  q.insert(q.end(), n.begin(), n.end());
  q.insert(q.end(), {uint8_t(type >> 8), uint8_t(type), uint8_t(o.qclass >> 8), uint8_t(o.qclass)});
  if (o.edns)
    q.insert(q.end(), {0, 0, 41, uint8_t(o.udp >> 8), uint8_t(o.udp), 0, o.version,
                       uint8_t(o.do_bit ? 0x80 : 0), 0, 0, 0});
  return q;
}

struct rr {
  std::string owner;        // lower-cased text, trailing dot
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;  // as on the wire
  std::string target;       // NS/CNAME/PTR: the name; MX: the exchange; SOA: mname
};

struct opt_rr {
  uint16_t udp = 0;
  uint8_t ext_rcode = 0;
  uint8_t version = 0;
  bool do_bit = false;
};

struct message {
  uint16_t id = 0, flags = 0;
  uint16_t count[4] = {0, 0, 0, 0};
  std::string qname;        // as in the packet (case kept)
  uint16_t qtype = 0, qclass = 0;
  std::vector<rr> sect[3];  // answer, authority, additional (OPT excluded)
  std::optional<opt_rr> opt;
  size_t size = 0;

  int rcode() const { return (flags & 0xF) | (opt ? opt->ext_rcode << 4 : 0); }
  bool aa() const { return flags & 0x0400; }
  bool tc() const { return flags & 0x0200; }
  const std::vector<rr>& answer() const { return sect[0]; }
  const std::vector<rr>& authority() const { return sect[1]; }
  const std::vector<rr>& additional() const { return sect[2]; }
};

inline uint16_t rd16(const std::vector<uint8_t>& m, size_t p) {
  if (p + 2 > m.size()) throw std::runtime_error("short read");
  return static_cast<uint16_t>(m[p] << 8 | m[p + 1]);
}

inline std::string read_name(const std::vector<uint8_t>& m, size_t& pos, bool lower) {
  std::string out;
  size_t p = pos;
  bool jumped = false;
  for (int hops = 0; hops < 64; ++hops) {
    if (p >= m.size()) throw std::runtime_error("name past end");
    uint8_t l = m[p];
    if ((l & 0xC0) == 0xC0) {
      size_t target = rd16(m, p) & 0x3FFF;
      if (target >= p) throw std::runtime_error("forward compression pointer");
      if (!jumped) pos = p + 2;
      jumped = true;
      p = target;
      continue;
    }
    if (l > 63) throw std::runtime_error("bad label");
    if (l == 0) {
      if (!jumped) pos = p + 1;
      return out.empty() ? "." : out;
    }
    if (p + 1 + l > m.size()) throw std::runtime_error("label past end");
    for (size_t i = 0; i < l; ++i) {
      char c = static_cast<char>(m[p + 1 + i]);
      out += lower ? static_cast<char>(tolower(c)) : c;
    }
    out += '.';
    p += 1 + l;
  }
  throw std::runtime_error("compression loop");
}

inline message parse_message(const std::vector<uint8_t>& m) {
  message r;
  r.size = m.size();
  if (m.size() < 12) throw std::runtime_error("short header");
  r.id = rd16(m, 0);
  r.flags = rd16(m, 2);
  for (int i = 0; i < 4; ++i) r.count[i] = rd16(m, 4 + 2 * i);
  size_t p = 12;
  if (r.count[0] > 1) throw std::runtime_error("qdcount");
  if (r.count[0] == 1) {
    r.qname = read_name(m, p, false);
    r.qtype = rd16(m, p);
    r.qclass = rd16(m, p + 2);
    p += 4;
  }
  for (int s = 0; s < 3; ++s)
    for (int i = 0; i < r.count[s + 1]; ++i) {
      rr x;
      x.owner = read_name(m, p, true);
      x.type = rd16(m, p);
      uint16_t cls = rd16(m, p + 2);
      x.ttl = uint32_t(rd16(m, p + 4)) << 16 | rd16(m, p + 6);
      uint16_t len = rd16(m, p + 8);
      p += 10;
      if (p + len > m.size()) throw std::runtime_error("rdata past end");
      size_t np = p;
      if (x.type == 2 || x.type == 5 || x.type == 12 || x.type == 6) x.target = read_name(m, np, true);
      if (x.type == 15) {
        np += 2;
        x.target = read_name(m, np, true);
      }
      x.rdata.assign(m.begin() + static_cast<long>(p), m.begin() + static_cast<long>(p + len));
      p += len;
      if (x.type == 41) {
        if (s != 2 || r.opt) throw std::runtime_error("misplaced OPT");
        r.opt = opt_rr{cls, uint8_t(x.ttl >> 24), uint8_t(x.ttl >> 16), (x.ttl & 0x8000) != 0};
        continue;
      }
      r.sect[s].push_back(std::move(x));
    }
  if (p != m.size()) throw std::runtime_error("trailing bytes");
  return r;
}

inline core::client client_v4(const char* addr = "192.0.2.200", core::transport t = core::transport::udp) {
  core::client c;
  c.family = AF_INET;
  inet_pton(AF_INET, addr, c.addr.data());
  c.proto = t;
  return c;
}
inline core::client client_v6(const char* addr, core::transport t = core::transport::udp) {
  core::client c;
  c.family = AF_INET6;
  inet_pton(AF_INET6, addr, c.addr.data());
  c.proto = t;
  return c;
}

// Runs answer() and parses the reply; nullopt when it drops.
inline std::optional<message> ask(const zone::snapshot& snap, const std::vector<uint8_t>& query,
                                  const core::client& from = client_v4()) {
  std::vector<uint8_t> out(65535);
  core::result r = core::answer(snap, from, query, out);
  if (r.act == core::action::drop) return std::nullopt;
  out.resize(r.size);
  message m = parse_message(out);
  EXPECT_EQ(r.truncated, m.tc());
  EXPECT_EQ(r.rcode, m.rcode());
  return m;
}

inline config::prefix prefix_of(const std::string& text) {
  config::prefix p;
  p.text = text;
  size_t slash = text.find('/');
  std::string a = text.substr(0, slash);
  p.length = std::stoi(text.substr(slash + 1));
  p.family = a.find(':') == std::string::npos ? AF_INET : AF_INET6;
  inet_pton(p.family, a.c_str(), p.addr.data());
  return p;
}

inline config::zone_config zone_of(const std::string& origin, const std::string& file,
                                   std::vector<std::string> allow = {}) {
  config::zone_config z;
  z.origin = origin;
  z.file = zone_path(file);
  for (auto& a : allow) z.allow_from.push_back(prefix_of(a));
  z.pos = {"test.yaml", 10};
  return z;
}

inline config::failover_record failover_of(const std::string& name, const std::string& type,
                                           uint16_t qtype, std::vector<std::string> primary,
                                           std::vector<std::string> secondary, int line = 20) {
  config::failover_record f;
  f.name = name;
  f.type = type;
  f.qtype = qtype;
  f.ttl = 60;
  f.primary.values = std::move(primary);
  f.primary.health_check = "primary-check";
  f.primary.pos = {"test.yaml", line + 2};
  f.secondary.values = std::move(secondary);
  f.secondary.pos = {"test.yaml", line + 3};
  f.pos = {"test.yaml", line};
  return f;
}

}  // namespace hadns::test
