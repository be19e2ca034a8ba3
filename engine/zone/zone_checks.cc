// engine/zone/zone_checks.cc -- whole-file checks on loaded records (see
// zone_checks.h). Linear in the number of records: duplicates are found
// with an open-addressing table of record indices, CNAME conflicts by
// looking up only the owners that have a CNAME.
#include "engine/zone/zone_checks.h"

extern "C" {  // libknot's descriptor.h has no C++ guard
#include <libknot/descriptor.h>
}

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hadns::zone {

namespace {

// Types that may sit beside a CNAME (RFC 4035 section 2.5).
bool allowed_beside_cname(uint16_t type) {
  return type == KNOT_RRTYPE_RRSIG || type == KNOT_RRTYPE_NSEC;
}

std::string_view view(const std::vector<uint8_t>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string where(const record& r) { return r.file + ":" + std::to_string(r.line); }

uint64_t rr_hash(const record& r) {
  std::hash<std::string_view> h;
  uint64_t x = h(view(r.owner));
  x ^= h(view(r.rdata)) * 0x9e3779b97f4a7c15ULL;
  x ^= (uint64_t{r.type} + 1) * 0xff51afd7ed558ccdULL;
  return x ^ (x >> 29);
}

bool same_rr(const record& a, const record& b) {
  return a.type == b.type && a.owner == b.owner && a.rdata == b.rdata;
}

// Marks every record that repeats an earlier one (same owner, type, RDATA).
// Hashes are computed in one sequential pass; the table keeps each hash
// beside its index so that probing touches records only on a hash match.
std::vector<bool> find_duplicates(const std::vector<record>& records) {
  std::vector<bool> drop(records.size(), false);
  std::vector<uint64_t> hashes(records.size());
  for (size_t i = 0; i < records.size(); ++i) hashes[i] = rr_hash(records[i]);
  size_t cap = 16;
  while (cap < records.size() * 2) cap <<= 1;
  struct entry {
    uint64_t hash;
    size_t index;
  };
  constexpr size_t k_empty = SIZE_MAX;
  std::vector<entry> table(cap, entry{0, k_empty});
  for (size_t i = 0; i < records.size(); ++i) {
    size_t slot = hashes[i] & (cap - 1);
    while (table[slot].index != k_empty) {
      if (table[slot].hash == hashes[i] && same_rr(records[table[slot].index], records[i])) {
        drop[i] = true;
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
    if (!drop[i]) table[slot] = entry{hashes[i], i};
  }
  return drop;
}

struct owner_info {
  size_t first_cname = SIZE_MAX;
  size_t second_cname = SIZE_MAX;
  size_t first_other = SIZE_MAX;
};

}  // namespace

void check_zone_records(std::vector<record>& records) {
  std::vector<bool> drop = find_duplicates(records);

  std::unordered_map<std::string_view, owner_info> cname_owners;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!drop[i] && records[i].type == KNOT_RRTYPE_CNAME) cname_owners[view(records[i].owner)];
  }
  if (!cname_owners.empty()) {
    for (size_t i = 0; i < records.size(); ++i) {
      if (drop[i]) continue;
      auto it = cname_owners.find(view(records[i].owner));
      if (it == cname_owners.end()) continue;
      owner_info& info = it->second;
      uint16_t type = records[i].type;
      if (type == KNOT_RRTYPE_CNAME) {
        if (info.first_cname == SIZE_MAX) {
          info.first_cname = i;
        } else if (info.second_cname == SIZE_MAX) {
          info.second_cname = i;
        }
      } else if (!allowed_beside_cname(type) && info.first_other == SIZE_MAX) {
        info.first_other = i;
      }
    }
    // Report the conflict met first in file order.
    size_t bad = SIZE_MAX;
    std::string message;
    for (const auto& [owner, info] : cname_owners) {
      std::string owner_text = name_to_text(reinterpret_cast<const uint8_t*>(owner.data()), owner.size());
      if (info.second_cname != SIZE_MAX && info.second_cname < bad) {
        bad = info.second_cname;
        message = "more than one CNAME at " + owner_text + " (another at " +
                  where(records[info.first_cname]) + ")";
      }
      if (info.first_other != SIZE_MAX) {
        size_t later = std::max(info.first_cname, info.first_other);
        size_t earlier = std::min(info.first_cname, info.first_other);
        if (later < bad) {
          bad = later;
          message = "CNAME and other data at " + owner_text + ": " +
                    type_to_name(records[later].type) + " here, " +
                    type_to_name(records[earlier].type) + " at " + where(records[earlier]);
        }
      }
    }
    if (bad != SIZE_MAX) throw zone_file_error(records[bad].file, records[bad].line, message);
  }

  size_t w = 0;
  for (size_t r = 0; r < records.size(); ++r) {
    if (drop[r]) continue;
    if (w != r) records[w] = std::move(records[r]);
    ++w;
  }
  records.resize(w);
}

}  // namespace hadns::zone
