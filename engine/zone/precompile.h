// engine/zone/precompile.h -- a zone model -> the precompiled responses and
// hash-table entries of one zone (see snapshot.h for the key scheme).
//
// Per name: a positive answer per type (CNAME chains followed inside our
// zones, MX/SRV/NS targets' A/AAAA in additional), a node entry (NODATA, or
// the chain for types the target lacks, or a referral at a cut), ANY (RFC
// 8482: the lowest type present). Per zone: NXDOMAIN and NODATA, shared by
// every name. Wildcards (RFC 4592) are compiled as shared bodies keyed by
// their closest encloser. A DNAME owner's node entry carries its rule (the
// packet core synthesises answers below it); a CNAME chain that reaches a
// name below a DNAME is substituted here, at compile time. Answers holding
// a failover set are compiled once per slot state. Compile time only.
#pragma once

#include <vector>

#include "engine/zone/snapshot_builder.h"
#include "engine/zone/zone_model.h"

namespace hadns::zone {

// Every zone of the config, for CNAME chains that cross zones.
struct compile_world {
  std::vector<zone_model> zones;
  std::vector<compile_slot> slots;
};

struct precompiled_zone {
  uint32_t nxdomain = 0;
};

// Compiles zone `zone` into `out`: its responses, and its entries into the
// table opened with out.begin_zone(); the caller closes it with end_zone().
precompiled_zone precompile_zone(compile_world& world, size_t zone, snapshot_builder& out);

}  // namespace hadns::zone
