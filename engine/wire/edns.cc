// engine/wire/edns.cc -- OPT parsing (see edns.h).
#include "engine/wire/edns.h"

namespace hadns::wire {

bool read_opt_body(reader& r, edns_info& out) noexcept {
  uint16_t udp = r.u16();
  uint32_t ttl = r.u32();
  uint16_t rdlen = r.u16();
  if (!r.ok() || rdlen > r.remaining()) return false;
  size_t end = r.pos() + rdlen;
  while (r.pos() < end) {
    if (end - r.pos() < 4) return false;
    r.u16();
    uint16_t olen = r.u16();
    if (olen > end - r.pos()) return false;
    r.skip(olen);
  }
  if (!r.ok()) return false;
  out.present = true;
  out.udp_size = udp;
  out.version = static_cast<uint8_t>(ttl >> 16);
  out.do_bit = (ttl & k_edns_do) != 0;
  return true;
}

}  // namespace hadns::wire
