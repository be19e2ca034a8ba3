// engine/core/emit.cc -- writing responses (see emit.h).
#include "engine/core/emit.h"

#include <algorithm>
#include <cstring>

#include "engine/wire/header.h"

namespace hadns::core {
namespace {

// The opcode is echoed, and RD. CD is copied only into replies to QUERY
// (RFC 4035 3.2.2 defines it for queries); a reply to any other opcode
// clears every other flag (design.md "DNS behaviour").
uint16_t response_flags(const query_info& q, uint16_t rcode, bool aa, bool tc) noexcept {
  uint16_t keep = wire::k_flag_rd | 0x7800;
  if (wire::opcode_of(q.flags) == wire::k_opcode_query) keep |= wire::k_flag_cd;
  uint16_t f = wire::k_flag_qr | (q.flags & keep);
  if (aa) f |= wire::k_flag_aa;
  if (tc) f |= wire::k_flag_tc;
  return static_cast<uint16_t>(f | (rcode & 0xF));
}

void put_header(uint8_t* out, const query_info& q, uint16_t flags, uint16_t qd, uint16_t an,
                uint16_t ns, uint16_t ar) noexcept {
  wire::store16(out + wire::k_off_id, q.id);
  wire::store16(out + wire::k_off_flags, flags);
  wire::store16(out + wire::k_off_qdcount, qd);
  wire::store16(out + wire::k_off_ancount, an);
  wire::store16(out + wire::k_off_nscount, ns);
  wire::store16(out + wire::k_off_arcount, ar);
}

// Appends OPT at `pos` (the caller made room). Our UDP size is max_udp.
size_t put_opt(uint8_t* out, size_t pos, const query_info& q, uint16_t rcode,
               uint16_t max_udp) noexcept {
  wire::writer w(out + pos, wire::k_opt_size);
  wire::write_opt(w, max_udp, rcode, 0, q.edns.do_bit);
  return pos + wire::k_opt_size;
}

}  // namespace

size_t size_limit(const client& from, const query_info& q, size_t out_size) noexcept {
  size_t limit = 65535;
  if (from.proto == transport::udp) {
    limit = 512;
    if (q.edns.present)
      limit = std::max<size_t>(512, std::min<size_t>(q.edns.udp_size, from.max_udp));
  }
  return std::min(limit, out_size);
}

namespace {

// The bodies of fit_body, move_shared_pointers and finish_reply, forced
// inline into emit_response (the path of every ordinary answer); the
// out-of-line versions below serve the DNAME path (dname.cc).
[[gnu::always_inline]] inline body_fit fit_body_here(const zone::snapshot& snap, const zone::response& r, size_t room) noexcept {
  body_fit f;
  if (r.body_len <= room) {
    f.keep = r.body_len;
    std::copy(r.count, r.count + 3, f.count);
    return f;
  }
  const zone::rrset_mark* m = snap.marks() + r.marks;
  for (uint16_t i = 0; i < r.nmarks; ++i) {
    if (m[i].end > room) {
      if (m[i].sect != zone::section::additional) {
        f = body_fit{};
        f.tc = f.empty = true;
      } else if (m[i].flags & zone::k_mark_required_glue) {
        f.tc = true;
      }
      break;
    }
    f.keep = m[i].end;
    f.count[static_cast<int>(m[i].sect)] += m[i].count;
  }
  return f;
}

[[gnu::always_inline]] inline void move_shared_pointers_here(const zone::snapshot& snap, const zone::response& r, uint8_t* body,
                          size_t keep, size_t qlen) noexcept {
  if (!r.tmpl_qlen || !r.nfix) return;
  int delta = static_cast<int>(qlen) - static_cast<int>(r.tmpl_qlen);
  const uint16_t* fix = snap.fixups() + r.fix;
  for (uint16_t i = 0; i < r.nfix && fix[i] < keep; ++i) {
    uint16_t p = wire::load16(body + fix[i]);
    wire::store16(body + fix[i], static_cast<uint16_t>(0xC000 | ((p & 0x3FFF) + delta)));
  }
}

[[gnu::always_inline]] inline result finish_reply_here(const query_info& q, std::span<uint8_t> out, size_t size, uint16_t rcode,
                    bool aa, bool tc, const uint16_t count[3], uint16_t max_udp) noexcept {
  uint8_t* o = out.data();
  const bool opt = q.edns.present;
  if (opt) size = put_opt(o, size, q, rcode, max_udp);
  put_header(o, q, response_flags(q, rcode, aa, tc), 1, count[0], count[1],
             static_cast<uint16_t>(count[2] + (opt ? 1 : 0)));
  result res;
  res.act = action::reply;
  res.size = static_cast<uint16_t>(size);
  res.rcode = static_cast<uint8_t>(rcode);
  res.truncated = tc;
  return res;
}

}  // namespace

body_fit fit_body(const zone::snapshot& snap, const zone::response& r, size_t room) noexcept {
  return fit_body_here(snap, r, room);
}

void move_shared_pointers(const zone::snapshot& snap, const zone::response& r, uint8_t* body,
                          size_t keep, size_t qlen) noexcept {
  move_shared_pointers_here(snap, r, body, keep, qlen);
}

result finish_reply(const query_info& q, std::span<uint8_t> out, size_t size, uint16_t rcode,
                    bool aa, bool tc, const uint16_t count[3], uint16_t max_udp) noexcept {
  return finish_reply_here(q, out, size, rcode, aa, tc, count, max_udp);
}

result emit_response(const zone::snapshot& snap, const zone::response& r, const query_info& q,
                     size_t limit, uint16_t max_udp, std::span<uint8_t> out) noexcept {
  uint8_t* o = out.data();
  const size_t head = wire::k_header_size + q.question_len;
  const size_t opt = q.edns.present ? wire::k_opt_size : 0;
  if (head + opt > limit) return {};
  body_fit f = fit_body_here(snap, r, limit - head - opt);
  std::memcpy(o + wire::k_header_size, q.question, q.question_len);
  uint8_t* body = o + head;
  std::memcpy(body, snap.bytes() + r.body, f.keep);
  move_shared_pointers_here(snap, r, body, f.keep, q.qname.len);
  return finish_reply_here(q, out, head + f.keep, r.rcode, r.aa, f.tc, f.count, max_udp);
}

result emit_empty(uint16_t rcode, bool aa, const query_info& q, bool with_question,
                  std::span<uint8_t> out, uint16_t max_udp) noexcept {
  result res;
  size_t qlen = with_question ? q.question_len : 0;
  size_t opt = q.edns.present ? wire::k_opt_size : 0;
  if (wire::k_header_size + qlen + opt > out.size()) return res;
  uint8_t* o = out.data();
  if (qlen) std::memcpy(o + wire::k_header_size, q.question, qlen);
  size_t size = wire::k_header_size + qlen;
  if (opt) size = put_opt(o, size, q, rcode, max_udp);
  put_header(o, q, response_flags(q, rcode, aa, false), qlen ? 1 : 0, 0, 0, opt ? 1 : 0);
  res.act = action::reply;
  res.size = static_cast<uint16_t>(size);
  res.rcode = static_cast<uint8_t>(rcode);
  return res;
}

}  // namespace hadns::core
