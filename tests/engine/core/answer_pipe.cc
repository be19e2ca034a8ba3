// tests/engine/core/answer_pipe.cc -- the packet core behind a pipe, for
// comparison tests that drive it from a script (knot_compare.py).
//
// Usage: answer_pipe CONFIG.yaml
// Loads and compiles the config, then answers queries read from stdin until
// EOF. Each query arrives framed as
//   [2-byte big-endian length of the query]
//   [client family: 1 byte, 4 or 6][client address: 16 bytes, network order]
//   [transport: 1 byte, 0 = UDP, 1 = TCP][the query: length bytes]
// and each response is written as [2-byte big-endian length][response],
// where length 0 means the core dropped the query. stdout is flushed after
// every response so a caller can interleave writes and reads.
#include <sys/socket.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include "engine/config/loader.h"
#include "engine/core/answer.h"
#include "engine/live/live_table.h"
#include "engine/zone/compile.h"

namespace {

bool read_exact(uint8_t* p, size_t n) { return std::fread(p, 1, n, stdin) == n; }

bool write_response(const uint8_t* p, uint16_t n) {
  uint8_t len[2] = {static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n & 0xff)};
  if (std::fwrite(len, 1, 2, stdout) != 2) return false;
  if (n > 0 && std::fwrite(p, 1, n, stdout) != n) return false;
  return std::fflush(stdout) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CONFIG.yaml\n", argv[0]);
    return 64;
  }
  hadns::live::live_table slots;
  hadns::zone::compiled compiled;
  uint16_t max_udp = 1232;
  try {
    hadns::config::config cfg = hadns::config::load_config(argv[1]);
    compiled = hadns::zone::compile(cfg, slots);
    slots.set_bindings(compiled.bindings);
    max_udp = cfg.server.edns_udp_size;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "answer_pipe: %s\n", e.what());
    return 2;
  }

  std::vector<uint8_t> query(65535);
  std::vector<uint8_t> out(65535);
  for (;;) {
    uint8_t head[2 + 1 + 16 + 1];
    if (!read_exact(head, sizeof head)) break;  // EOF
    size_t len = (size_t{head[0]} << 8) | head[1];
    hadns::core::client from;
    from.family = head[2] == 6 ? AF_INET6 : AF_INET;
    std::memcpy(from.addr.data(), head + 3, 16);
    from.proto = head[19] == 1 ? hadns::core::transport::tcp : hadns::core::transport::udp;
    from.max_udp = max_udp;
    if (!read_exact(query.data(), len)) {
      std::fprintf(stderr, "answer_pipe: short query frame\n");
      return 1;
    }
    hadns::core::result r = hadns::core::answer(*compiled.snap, from, {query.data(), len},
                                                {out.data(), out.size()});
    uint16_t size = r.act == hadns::core::action::reply ? r.size : 0;
    if (!write_response(out.data(), size)) return 1;
  }
  return 0;
}
