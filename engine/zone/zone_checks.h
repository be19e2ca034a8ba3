// engine/zone/zone_checks.h -- checks on a whole zone file's records that
// no single record can fail on its own: CNAME and other data at one owner,
// more than one CNAME, and exact duplicates (dropped, RFC 2181 section 5).
// Internal to the zone loader (zone_file.cc).
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

}  // namespace hadns::zone
