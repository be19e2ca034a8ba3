// tests/engine/io/standin_core.cc -- the stand-in packet core (see standin_core.h).
#include "tests/engine/io/standin_core.h"

#include <cstring>

#include "engine/core/answer.h"

namespace hadns::core {

result answer(const zone::snapshot& snap, const client& from, std::span<const uint8_t> query,
              std::span<uint8_t> out) noexcept {
  result r;
  if (query.size() < 12 || (query[2] & 0x80)) return r;  // drop
  constexpr size_t k_big = 3000;
  bool big = query.size() > 16 && query[12] == 3 && std::memcmp(&query[13], "big", 3) == 0;
  size_t size = big ? k_big : query.size();
  size_t limit = from.proto == transport::udp ? from.max_udp : out.size();
  if (size > out.size() || query.size() > out.size()) return r;
  std::memcpy(out.data(), query.data(), query.size());
  if (size > query.size()) std::memset(out.data() + query.size(), 0, size - query.size());
  out[2] = static_cast<uint8_t>(0x84 | (query[2] & 0x01));  // QR, AA, RD kept
  out[3] = snap.rcode() & 0x0f;
  if (size > limit) {
    out[2] |= 0x02;  // TC
    size = query.size();
    r.truncated = true;
  }
  r.act = action::reply;
  r.size = static_cast<uint16_t>(size);
  r.rcode = snap.rcode();
  return r;
}

}  // namespace hadns::core
