// engine/zone/zone_checks.h -- checks on a whole zone file's records that
// no single record can fail on its own: CNAME and other data at one owner,
// more than one CNAME or DNAME, DNAME beside NS below the apex, and exact
// duplicates (dropped, RFC 2181 section 5);
// and, for the compiler, whether a zone is signed. Internal to engine/zone.
#pragma once

#include <vector>

#include "engine/zone/record_table.h"
#include "engine/zone/zone_file.h"

namespace hadns::zone {

// Drops exact duplicate RRs (same owner, type and RDATA; the first in file
// order stays, its TTL kept) and throws zone_file_error at the later of two
// conflicting records, naming the other's file and line. The order of the
// remaining records is kept.
void check_zone_records(record_table& records);

// Until signed answers are served (design.md "DNSSEC"), a zone holding
// DNSSEC records is refused: served without the RRSIGs and denial proofs a
// validator needs, every answer from it would be judged bogus. Throws
// zone_file_error at the first DNSKEY, RRSIG, NSEC, NSEC3 or NSEC3PARAM
// record in file order. DS is allowed: at a delegation it is the parent's
// data about a signed child and does not make this zone signed.
void check_unsigned(const record_table& records);

// True for the types check_unsigned() refuses.
bool is_dnssec_type(uint16_t type);

}  // namespace hadns::zone
