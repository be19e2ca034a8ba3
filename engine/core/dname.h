// engine/core/dname.h -- answers for names below a DNAME owner (RFC 6672),
// synthesised at answer time because the CNAME depends on the query name.
//
// The reply is the DNAME, a CNAME from the question name to the name with
// the owner replaced by the DNAME's target (TTL of the DNAME), then the
// answer for that name from our zones as this client sees them: another
// DNAME step (at most k_max_dname_steps), or the target's precompiled
// response copied behind, its compression pointers moved to where its
// name and body now sit. A target outside our zones, a query for CNAME, or
// a failover target that answers SERVFAIL ends the reply after the CNAME;
// the resolver follows it. A result over 255 bytes is YXDOMAIN with the
// DNAME (RFC 6672 2.2). AA is set, as Knot DNS does, even when the target
// is a referral. Same guarantees as answer(): no allocation, no syscall,
// writes only inside `out`.
#pragma once

#include <span>

#include "engine/core/answer.h"
#include "engine/core/lookup.h"
#include "engine/core/parse.h"

namespace hadns::core {

inline constexpr int k_max_dname_steps = 8;

// `first` holds a DNAME rule for q's name.
result emit_dname(const zone::snapshot& snap, const client& from, const query_info& q,
                  const found& first, size_t limit, uint16_t max_udp,
                  std::span<uint8_t> out) noexcept;

}  // namespace hadns::core
