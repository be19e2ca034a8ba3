// engine/core/answer.cc -- the packet core: parse -> lookup -> emit (see
// answer.h). The order of the checks is the order of design.md "DNS
// behaviour": unreadable or QR=1 -> drop; opcode -> NOTIMP; broken ->
// FORMERR; EDNS version -> BADVERS; class, meta types -> REFUSED; names
// outside our zones -> REFUSED; names below a DNAME synthesised (dname.h);
// everything else from the Snapshot.
#include "engine/core/answer.h"

#include "engine/core/batch.h"
#include "engine/core/dname.h"
#include "engine/core/emit.h"
#include "engine/core/lookup.h"
#include "engine/core/parse.h"
#include "engine/wire/header.h"

namespace hadns::core {

result answer(const zone::snapshot& snap, const client& from, std::span<const uint8_t> query,
              std::span<uint8_t> out) noexcept {
  query_info q;
  parse_status st = parse_query(query, q);
  if (out.size() < 512) return {};
  switch (st) {
    case parse_status::drop: return {};
    case parse_status::notimp:
      return emit_empty(wire::k_notimp, false, q, q.question_len != 0, out, from.max_udp);
    case parse_status::formerr:
      return emit_empty(wire::k_formerr, false, q, q.question_len != 0, out, from.max_udp);
    case parse_status::ok: break;
  }
  if (q.edns.present && q.edns.version > 0)
    return emit_empty(wire::k_badvers, false, q, true, out, from.max_udp);
  if (q.qclass != wire::k_class_in ||
      (wire::is_meta_type(q.qtype) && q.qtype != wire::k_type_any))
    return emit_empty(wire::k_refused, false, q, true, out, from.max_udp);
  found f = lookup(snap, from, q.qname, q.qtype);
  if (f.dname_rule)
    return emit_dname(snap, from, q, f, size_limit(from, q, out.size()), from.max_udp, out);
  if (!f.resp) return emit_empty(wire::k_refused, false, q, true, out, from.max_udp);
  return emit_response(snap, *f.resp, q, size_limit(from, q, out.size()), from.max_udp, out);
}

void answer_batch(const zone::snapshot& snap, std::span<batch_item> items) noexcept {
  for (batch_item& it : items) it.res = answer(snap, it.from, it.query, it.out);
}

}  // namespace hadns::core
