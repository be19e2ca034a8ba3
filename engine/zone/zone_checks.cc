// engine/zone/zone_checks.cc -- whole-file checks on loaded records (see
// zone_checks.h). Linear in the number of records: duplicates are found
// with an open-addressing table of record indices, CNAME conflicts by
// looking up only the owners that have a CNAME.
#include "engine/zone/zone_checks.h"

extern "C" {  // libknot's descriptor.h has no C++ guard
#include <libknot/descriptor.h>
}

#include <algorithm>
#include <cstring>
#include <span>
#include <stdexcept>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace hadns::zone {

namespace {

// Types that may sit beside a CNAME (RFC 4035 section 2.5).
bool allowed_beside_cname(uint16_t type) {
  return type == KNOT_RRTYPE_RRSIG || type == KNOT_RRTYPE_NSEC;
}

std::string_view view(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string where(const record_table& t, size_t i) {
  return t.files[t.rows[i].file] + ":" + std::to_string(t.rows[i].line);
}

uint64_t rr_hash(const record_table& t, const record_row& r) {
  uint64_t x = XXH3_64bits_withSeed(t.names.data() + r.owner, r.owner_len, r.type);
  return XXH3_64bits_withSeed(t.rdata.data() + r.rdata, r.rdata_len, x);
}

bool same_rr(const record_table& t, const record_row& a, const record_row& b) {
  return a.type == b.type && a.owner_len == b.owner_len && a.rdata_len == b.rdata_len &&
         std::memcmp(t.names.data() + a.owner, t.names.data() + b.owner, a.owner_len) == 0 &&
         std::memcmp(t.rdata.data() + a.rdata, t.rdata.data() + b.rdata, a.rdata_len) == 0;
}

// Marks every record that repeats an earlier one (same owner, type, RDATA).
// The table keeps 32 bits of each hash beside its index so that probing
// touches records only on a likely match.
std::vector<bool> find_duplicates(const record_table& t) {
  const pod_array<record_row>& rows = t.rows;
  std::vector<bool> drop(rows.size(), false);
  size_t cap = 16;
  while (cap < rows.size() * 2) cap <<= 1;
  struct slot {
    uint32_t tag;
    uint32_t index;
  };
  constexpr uint32_t k_empty = UINT32_MAX;
  pod_array<slot> table;
  table.assign(cap, slot{0, k_empty});
  // Hashes run k_ahead rows ahead of the probes, their buckets prefetched,
  // so that the cache misses of a large table overlap.
  constexpr size_t k_ahead = 16;
  uint64_t ahead[k_ahead];
  auto hash_at = [&](size_t i) {
    uint64_t h = rr_hash(t, rows[i]);
    __builtin_prefetch(&table[h & (cap - 1)]);
    ahead[i % k_ahead] = h;
  };
  for (size_t i = 0; i < rows.size() && i < k_ahead; ++i) hash_at(i);
  for (size_t i = 0; i < rows.size(); ++i) {
    uint64_t h = ahead[i % k_ahead];
    if (i + k_ahead < rows.size()) hash_at(i + k_ahead);
    auto tag = static_cast<uint32_t>(h >> 32);
    size_t s = h & (cap - 1);
    while (table[s].index != k_empty) {
      if (table[s].tag == tag && same_rr(t, rows[table[s].index], rows[i])) {
        drop[i] = true;
        break;
      }
      s = (s + 1) & (cap - 1);
    }
    if (!drop[i]) table[s] = slot{tag, static_cast<uint32_t>(i)};
  }
  return drop;
}

struct owner_info {
  size_t first_cname = SIZE_MAX;
  size_t second_cname = SIZE_MAX;
  size_t first_other = SIZE_MAX;
};

// RFC 6672 2.4 and 2.3: one DNAME per owner, and no NS beside it except
// at the apex (a DNAME at a cut would be the child's data). Throws at the
// later record of the pair, naming the other.
void check_dname_owners(const record_table& t, const std::vector<bool>& drop) {
  const pod_array<record_row>& rows = t.rows;
  std::unordered_map<std::string_view, size_t> first_dname;
  std::string_view apex;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (drop[i]) continue;
    if (rows[i].type == KNOT_RRTYPE_SOA) apex = view(t.owner(rows[i]));
    if (rows[i].type != KNOT_RRTYPE_DNAME) continue;
    auto [it, fresh] = first_dname.emplace(view(t.owner(rows[i])), i);
    if (!fresh)
      throw zone_file_error(t.files[rows[i].file], rows[i].line,
                            "more than one DNAME at " +
                                name_to_text(t.names.data() + rows[i].owner, rows[i].owner_len) +
                                " (another at " + where(t, it->second) + ")");
  }
  if (first_dname.empty()) return;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (drop[i] || rows[i].type != KNOT_RRTYPE_NS) continue;
    std::string_view owner = view(t.owner(rows[i]));
    if (owner == apex) continue;
    auto it = first_dname.find(owner);
    if (it == first_dname.end()) continue;
    size_t later = std::max(i, it->second), earlier = std::min(i, it->second);
    throw zone_file_error(t.files[rows[later].file], rows[later].line,
                          "DNAME and NS at " +
                              name_to_text(t.names.data() + rows[i].owner, rows[i].owner_len) +
                              ", below the apex: " + type_to_name(rows[later].type) + " here, " +
                              type_to_name(rows[earlier].type) + " at " + where(t, earlier));
  }
}

}  // namespace

bool is_dnssec_type(uint16_t type) {
  switch (type) {
    case KNOT_RRTYPE_DNSKEY:
    case KNOT_RRTYPE_RRSIG:
    case KNOT_RRTYPE_NSEC:
    case KNOT_RRTYPE_NSEC3:
    case KNOT_RRTYPE_NSEC3PARAM:
      return true;
    default:
      return false;
  }
}

void check_unsigned(const record_table& t) {
  for (const record_row& r : t.rows) {
    if (!is_dnssec_type(r.type)) continue;
    throw zone_file_error(t.files[r.file], r.line,
                          type_to_name(r.type) + " record at " +
                              name_to_text(t.names.data() + r.owner, r.owner_len) +
                              ": signed zones are not served yet (answers without their "
                              "signatures would be bogus to validating resolvers); load the "
                              "unsigned zone");
  }
}

void check_zone_records(record_table& t) {
  pod_array<record_row>& records = t.rows;
  if (records.size() >= UINT32_MAX) throw std::length_error("zone too large");
  std::vector<bool> drop = find_duplicates(t);

  std::unordered_map<std::string_view, owner_info> cname_owners;
  for (size_t i = 0; i < records.size(); ++i) {
    if (!drop[i] && records[i].type == KNOT_RRTYPE_CNAME) cname_owners[view(t.owner(records[i]))];
  }
  if (!cname_owners.empty()) {
    for (size_t i = 0; i < records.size(); ++i) {
      if (drop[i]) continue;
      auto it = cname_owners.find(view(t.owner(records[i])));
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
                  where(t, info.first_cname) + ")";
      }
      if (info.first_other != SIZE_MAX) {
        size_t later = std::max(info.first_cname, info.first_other);
        size_t earlier = std::min(info.first_cname, info.first_other);
        if (later < bad) {
          bad = later;
          message = "CNAME and other data at " + owner_text + ": " +
                    type_to_name(records[later].type) + " here, " +
                    type_to_name(records[earlier].type) + " at " + where(t, earlier);
        }
      }
    }
    if (bad != SIZE_MAX) throw zone_file_error(t.files[records[bad].file], records[bad].line, message);
  }

  check_dname_owners(t, drop);

  size_t w = 0;
  for (size_t r = 0; r < records.size(); ++r) {
    if (drop[r]) continue;
    if (w != r) records[w] = records[r];
    ++w;
  }
  records.resize(w);
}

}  // namespace hadns::zone
