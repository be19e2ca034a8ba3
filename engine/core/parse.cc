// engine/core/parse.cc -- query parsing (see parse.h).
//
// Accepted: QR=0, opcode QUERY, QDCOUNT=1, an uncompressed question name,
// no records in the answer and authority sections, at most one OPT in the
// additional section (owner root, options well-formed). Other additional
// records are skipped; bytes after the last record are ignored.
#include "engine/core/parse.h"

#include "engine/wire/header.h"

namespace hadns::core {
namespace {

bool read_question(wire::reader& r, query_info& q) noexcept {
  size_t start = r.pos();
  if (!wire::read_question_name(r, q.qname)) return false;
  q.qtype = r.u16();
  q.qclass = r.u16();
  if (!r.ok()) return false;
  q.question = r.data() + start;
  q.question_len = static_cast<uint16_t>(r.pos() - start);
  return true;
}

// Error paths only (NOTIMP, FORMERR before the additional section was
// reached): RFC 6891 wants OPT in the reply whenever the query had one, so
// walk the whole message once more, best effort, for a well-formed OPT. Any
// doubt leaves `edns` absent.
void find_opt(std::span<const uint8_t> packet, query_info& q) noexcept {
  wire::reader r(packet.data(), packet.size());
  r.skip(4);
  uint16_t qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
  for (uint16_t i = 0; i < qd && r.ok(); ++i) {
    wire::skip_name(r);
    r.skip(4);
  }
  for (uint32_t i = 0; i < uint32_t(an) + ns && r.ok(); ++i) {
    wire::skip_name(r);
    r.skip(8);
    uint16_t rdlen = r.u16();
    r.skip(rdlen);
  }
  for (uint16_t i = 0; i < ar && r.ok(); ++i) {
    const uint8_t* owner = r.here();
    size_t owner_pos = r.pos();
    if (!wire::skip_name(r)) break;
    uint16_t type = r.u16();
    if (!r.ok()) break;
    if (type == wire::k_type_opt) {
      wire::edns_info e;
      if (r.pos() - owner_pos == 3 && owner[0] == 0 && wire::read_opt_body(r, e)) q.edns = e;
      return;
    }
    r.skip(6);
    uint16_t rdlen = r.u16();
    r.skip(rdlen);
  }
}

parse_status error_status(parse_status st, std::span<const uint8_t> packet, query_info& q) noexcept {
  find_opt(packet, q);
  return st;
}

}  // namespace

parse_status parse_query(std::span<const uint8_t> packet, query_info& q) noexcept {
  if (packet.size() < wire::k_header_size) return parse_status::drop;
  wire::reader r(packet.data(), packet.size());
  q.id = r.u16();
  q.flags = r.u16();
  uint16_t qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
  if (q.flags & wire::k_flag_qr) return parse_status::drop;
  if (wire::opcode_of(q.flags) != wire::k_opcode_query) {
    if (qd != 1 || !read_question(r, q)) q.question_len = 0;
    return error_status(parse_status::notimp, packet, q);
  }
  if (qd != 1) return error_status(parse_status::formerr, packet, q);
  if (!read_question(r, q)) {
    q.question_len = 0;
    return error_status(parse_status::formerr, packet, q);
  }
  if (an != 0 || ns != 0) return error_status(parse_status::formerr, packet, q);
  for (uint16_t i = 0; i < ar; ++i) {
    const uint8_t* owner = r.here();
    size_t owner_pos = r.pos();
    if (!wire::skip_name(r)) return parse_status::formerr;
    uint16_t type = r.u16();
    if (!r.ok()) return parse_status::formerr;
    if (type == wire::k_type_opt) {
      bool root = r.pos() - owner_pos == 3 && owner[0] == 0;
      if (!root || q.edns.present || !wire::read_opt_body(r, q.edns)) {
        q.edns.present = false;
        return parse_status::formerr;
      }
    } else {
      r.skip(6);
      uint16_t rdlen = r.u16();
      r.skip(rdlen);
      if (!r.ok()) return parse_status::formerr;
    }
  }
  return parse_status::ok;
}

}  // namespace hadns::core
