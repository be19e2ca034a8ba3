// tests/engine/core/answer_fuzz.cc -- libFuzzer target for the packet core:
// arbitrary bytes as a query from an arbitrary client over UDP or TCP,
// against the test zones (wildcards, delegations, chains, DNAME, failover,
// views).
// The core must never crash, read or write outside its spans, or produce a
// reply that is not a well-formed message no larger than its limit.
#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/core/answer.h"
#include "engine/zone/compile.h"
#include "engine/zone/snapshot.h"

namespace {

using namespace hadns;

struct world {
  live::live_table table;
  zone::compiled c;
  world() {
    auto zone = [](const char* origin, const char* file) {
      config::zone_config z;
      z.origin = origin;
      z.file = std::string(HADNS_SOURCE_DIR) + "/tests/data/zones/" + file;
      return z;
    };
    config::config cfg;
    auto core = zone("core.test.", "core.test.zone");
    config::failover_record f;
    f.name = "app.core.test.";
    f.type = "A";
    f.qtype = 1;
    f.primary.values = {"192.0.2.2"};
    f.primary.health_check = "check";
    f.secondary.values = {"192.0.2.3"};
    core.failover.push_back(f);
    cfg.zones.push_back(core);
    auto priv = zone("core.test.", "core-private.test.zone");
    config::prefix p;
    p.family = AF_INET;
    p.addr = {10};
    p.length = 8;
    p.text = "10.0.0.0/8";
    priv.allow_from.push_back(p);
    cfg.zones.push_back(priv);
    cfg.zones.push_back(zone("other.test.", "other.test.zone"));
    cfg.zones.push_back(zone("child.core.test.", "child.core.test.zone"));
    cfg.zones.push_back(zone("dname.test.", "dname.test.zone"));
    c = zone::compile(cfg, table);
  }
};

// Walks a reply's records with bounds checks; false if it is malformed.
bool well_formed(const uint8_t* m, size_t n) {
  if (n < 12) return false;
  auto rd16 = [&](size_t p) { return uint16_t(m[p] << 8 | m[p + 1]); };
  size_t p = 12;
  auto name = [&]() {
    for (int i = 0; i < 128; ++i) {
      if (p >= n) return false;
      uint8_t l = m[p];
      if ((l & 0xC0) == 0xC0) {
        if (p + 2 > n || (rd16(p) & 0x3FFF) >= p) return false;
        p += 2;
        return true;
      }
      if (l > 63) return false;
      p += 1 + l;
      if (l == 0) return p <= n;
    }
    return false;
  };
  unsigned qd = rd16(4), rrs = rd16(6) + rd16(8) + rd16(10);
  for (unsigned i = 0; i < qd; ++i) {
    if (!name() || p + 4 > n) return false;
    p += 4;
  }
  for (unsigned i = 0; i < rrs; ++i) {
    if (!name() || p + 10 > n) return false;
    size_t len = rd16(p + 8);
    p += 10 + len;
    if (p > n) return false;
  }
  return p == n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static world w;
  if (size < 1) return 0;
  // First byte: transport, address family, which client address.
  uint8_t ctl = data[0];
  core::client from;
  from.proto = (ctl & 1) ? core::transport::tcp : core::transport::udp;
  from.family = (ctl & 2) ? AF_INET6 : AF_INET;
  from.addr = {uint8_t((ctl & 4) ? 10 : 192), 0, 2, 1};
  if (ctl & 8) from.addr = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 1, 2, 3};
  if (ctl & 16) w.c.bindings[0].slot->store(live::slot_state(ctl >> 5 & 1 ? 1 : (ctl >> 6 & 1) * 2));
  std::vector<uint8_t> query(data + 1, data + size);  // exact size: ASan sees overreads
  size_t cap = from.proto == core::transport::tcp ? 65535 : from.max_udp;
  std::vector<uint8_t> out(cap);
  core::result r = core::answer(*w.c.snap, from, query, out);
  if (r.act == core::action::reply) {
    if (r.size > cap || !well_formed(out.data(), r.size)) __builtin_trap();
    if (from.proto == core::transport::udp && r.size > from.max_udp) __builtin_trap();
  }
  return 0;
}
