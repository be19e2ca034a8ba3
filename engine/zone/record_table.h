// engine/zone/record_table.h -- a zone file's records in flat arrays, as the
// compiler reads them.
//
// One row per RR in file order (exact duplicates already dropped), owners
// and RDATA in two byte arenas, file names interned: no heap object per
// record, so a zone of a million names loads in a few tens of megabytes.
// load_zone_file() (zone_file.h) is this table converted to records.
// Internal to engine/zone; compile time only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/zone/pod_array.h"

namespace hadns::zone {

struct record_row {
  uint32_t owner = 0;       // offset in names: uncompressed wire name, lower-cased
  uint32_t rdata = 0;       // offset in rdata: uncompressed wire RDATA, names as written
  uint32_t ttl = 0;
  int32_t line = 0;         // line in files[file]
  uint16_t type = 0;
  uint16_t rdata_len = 0;
  uint16_t file = 0;        // index in files
  uint8_t owner_len = 0;
};

struct record_table {
  pod_array<uint8_t> names;   // owners; a row repeating the previous owner shares it
  pod_array<uint8_t> rdata;
  pod_array<record_row> rows;
  std::vector<std::string> files;

  std::span<const uint8_t> owner(const record_row& r) const {
    return {names.data() + r.owner, r.owner_len};
  }
  std::span<const uint8_t> data(const record_row& r) const {
    return {rdata.data() + r.rdata, r.rdata_len};
  }
};

// Loads `path` with `origin` (absolute, trailing dot) as the initial
// $ORIGIN, with every check of load_zone_file(); throws zone_file_error.
record_table load_zone_table(const std::string& path, std::string_view origin);

}  // namespace hadns::zone
