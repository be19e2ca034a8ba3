// engine/core/dname.cc -- DNAME synthesis (see dname.h).
#include "engine/core/dname.h"

#include <cstring>

#include "engine/core/emit.h"
#include "engine/wire/header.h"
#include "engine/wire/name.h"

namespace hadns::core {
namespace {

// Where the target's precompiled body expected its question name and body
// to be, and where they are now.
struct relocation {
  size_t qname_len;   // the target name's length
  size_t qname_at;    // where the target name sits now (uncompressed)
  size_t body_at;     // where the body starts now
};

// Rewrites one compression pointer at b[i]; false if it cannot be moved.
bool move_pointer(uint8_t* b, size_t i, const relocation& m) noexcept {
  size_t t = wire::load16(b + i) & 0x3FFF;
  const size_t old_body = wire::k_header_size + m.qname_len + 4;
  size_t now;
  if (t >= wire::k_header_size && t < wire::k_header_size + m.qname_len)
    now = m.qname_at + (t - wire::k_header_size);
  else if (t >= old_body)
    now = m.body_at + (t - old_body);
  else
    return false;
  if (now > 0x3FFF) return false;
  wire::store16(b + i, static_cast<uint16_t>(0xC000 | now));
  return true;
}

// Walks a name at b[i] (within n bytes), moving its pointer; the index
// after it, or 0 on a malformed name.
size_t move_name(uint8_t* b, size_t i, size_t n, const relocation& m) noexcept {
  while (i < n) {
    uint8_t l = b[i];
    if (l == 0) return i + 1;
    if ((l & 0xC0) == 0xC0) return i + 2 <= n && move_pointer(b, i, m) ? i + 2 : 0;
    if (l > 63) return 0;
    i += 1u + l;
  }
  return 0;
}

// Moves every compression pointer of `rrs` records in b[0, n): owners and
// the RDATA names of compressible_names(). False if any cannot move.
bool move_body(uint8_t* b, size_t n, size_t rrs, const relocation& m) noexcept {
  size_t i = 0;
  for (size_t k = 0; k < rrs; ++k) {
    i = move_name(b, i, n, m);
    if (i == 0 || i + 10 > n) return false;
    uint16_t type = wire::load16(b + i);
    size_t rdlen = wire::load16(b + i + 8);
    size_t rd = i + 10;
    if (rd + rdlen > n) return false;
    wire::rdata_names names = wire::compressible_names(type);
    size_t p = rd + names.offset;
    for (uint8_t j = 0; j < names.count && p < rd + rdlen; ++j) {
      p = move_name(b, p, rd + rdlen, m);
      if (p == 0) return false;
    }
    i = rd + rdlen;
  }
  return true;
}

void put_rr_head(uint8_t* o, size_t pos, size_t owner_at, uint16_t type, uint32_t ttl,
                 size_t rdlen) noexcept {
  wire::store16(o + pos, static_cast<uint16_t>(0xC000 | owner_at));
  wire::store16(o + pos + 2, type);
  wire::store16(o + pos + 4, wire::k_class_in);
  wire::store32(o + pos + 6, ttl);
  wire::store16(o + pos + 10, static_cast<uint16_t>(rdlen));
}

}  // namespace

result emit_dname(const zone::snapshot& snap, const client& from, const query_info& q,
                  const found& first, size_t limit, uint16_t max_udp,
                  std::span<uint8_t> out) noexcept {
  uint8_t* o = out.data();
  const size_t head = wire::k_header_size + q.question_len;
  const size_t opt = q.edns.present ? wire::k_opt_size : 0;
  if (head + opt > limit) return {};
  const size_t end = limit - opt;
  std::memcpy(o + wire::k_header_size, q.question, q.question_len);

  uint16_t count[3] = {0, 0, 0};
  uint16_t rcode = wire::k_noerror;
  bool overflow = false;
  size_t pos = head;
  // The name being redirected: lower-cased with its labels, and where its
  // uncompressed form sits in `out` (first the question, then each
  // synthesised CNAME's RDATA).
  wire::parsed_name cur = q.qname;
  size_t cur_at = wire::k_header_size;
  found step = first;
  const uint8_t* written[k_max_dname_steps];
  int nwritten = 0;
  const zone::response* tail = nullptr;
  for (int hop = 0; hop < k_max_dname_steps; ++hop) {
    const uint8_t* rule = step.dname_rule;
    uint32_t ttl = wire::load32(rule);
    size_t tlen = rule[4];
    const uint8_t* target = rule + zone::k_dname_rule_header;
    bool seen = false;
    for (int k = 0; k < nwritten; ++k) seen |= written[k] == rule;
    if (!seen) {  // a DNAME met again (a loop) is not repeated
      if (pos + 12 + tlen > end) {
        overflow = true;
        break;
      }
      put_rr_head(o, pos, cur_at + step.owner_off, wire::k_type_dname, ttl, tlen);
      std::memcpy(o + pos + 12, target, tlen);
      pos += 12 + tlen;
      ++count[0];
      written[nwritten++] = rule;
    }
    size_t len = step.owner_off + tlen;
    if (len > wire::k_max_name) {
      rcode = wire::k_yxdomain;
      break;
    }
    if (pos + 12 + len > end) {
      overflow = true;
      break;
    }
    put_rr_head(o, pos, cur_at, wire::k_type_cname, ttl, len);
    size_t rd = pos + 12;
    std::memcpy(o + rd, cur.lower, step.owner_off);
    std::memcpy(o + rd + step.owner_off, target, tlen);
    pos = rd + len;
    ++count[0];
    wire::reader r(o + rd, len);
    if (!wire::read_question_name(r, cur)) break;
    cur_at = rd;
    if (q.qtype == wire::k_type_cname) break;  // the synthesised CNAME is the answer
    found next = lookup(snap, from, cur, q.qtype);
    if (!next.dname_rule) {
      tail = next.resp;  // nullptr: outside our zones
      break;
    }
    step = next;
  }

  uint16_t extra[3] = {0, 0, 0};
  bool tc = false;
  if (!overflow && rcode == wire::k_noerror && tail && tail->rcode != wire::k_servfail) {
    body_fit f = fit_body(snap, *tail, end - pos);
    if (f.empty) {
      overflow = true;
    } else {
      uint8_t* body = o + pos;
      std::memcpy(body, snap.bytes() + tail->body, f.keep);
      move_shared_pointers(snap, *tail, body, f.keep, cur.len);
      relocation m{cur.len, cur_at, pos};
      if (move_body(body, f.keep, size_t{f.count[0]} + f.count[1] + f.count[2], m)) {
        pos += f.keep;
        std::copy(f.count, f.count + 3, extra);
        rcode = tail->rcode;
        tc = f.tc;
      }
    }
  }
  if (overflow) {  // answer RR sets go whole or not at all
    uint16_t none[3] = {0, 0, 0};
    return finish_reply(q, out, head, wire::k_noerror, true, true, none, max_udp);
  }
  count[0] = static_cast<uint16_t>(count[0] + extra[0]);
  count[1] = extra[1];
  count[2] = extra[2];
  return finish_reply(q, out, pos, rcode, true, tc, count, max_udp);
}

}  // namespace hadns::core
