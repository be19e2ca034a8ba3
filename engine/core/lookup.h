// engine/core/lookup.h -- phase 2 of answer(): the precompiled response for
// a parsed question, as seen by one client.
//
// Exact (name, type) first: one hash and one memcmp. Then the name's node
// entry (NODATA, a CNAME chain for a type the target lacks, or a referral
// at a cut). A name not in the zone walks up label by label to its closest
// encloser: a cut there gives the referral for names below it, a DNAME
// owner gives its rule (the answer is synthesised, see dname.h), a
// wildcard child gives the wildcard's answer (RFC 4592), anything else
// NXDOMAIN. No allocation, no locks; the slot state is one acquire load.
#pragma once

#include "engine/core/answer.h"
#include "engine/core/parse.h"
#include "engine/zone/snapshot.h"

namespace hadns::core {

struct found {
  const zone::response* resp = nullptr;  // the precompiled response, or
  const uint8_t* dname_rule = nullptr;   // the DNAME owner's rule (snapshot.h), or neither: REFUSED
  uint8_t owner_off = 0;                 // with a rule: where the DNAME owner starts in the name
};

found lookup(const zone::snapshot& snap, const client& from, const wire::parsed_name& name,
             uint16_t qtype) noexcept;

}  // namespace hadns::core
