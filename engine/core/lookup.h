// engine/core/lookup.h -- phase 2 of answer(): the precompiled response for
// a parsed question, as seen by one client.
//
// Exact (name, type) first: one hash and one memcmp. Then the name's node
// entry (NODATA, a CNAME chain for a type the target lacks, or a referral
// at a cut). A name not in the zone walks up label by label to its closest
// encloser: a cut there gives the referral for names below it, a wildcard
// child gives the wildcard's answer (RFC 4592), anything else NXDOMAIN.
// No allocation, no locks; the slot state is one acquire load.
#pragma once

#include "engine/core/answer.h"
#include "engine/core/parse.h"
#include "engine/zone/snapshot.h"

namespace hadns::core {

// nullptr: the name is outside every zone this client can see (REFUSED).
const zone::response* lookup(const zone::snapshot& snap, const client& from,
                             const query_info& q) noexcept;

}  // namespace hadns::core
