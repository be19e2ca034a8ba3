// engine/zone/snapshot_builder.h -- assembles a Snapshot at compile time:
// appends response bodies, names, slots, zones (building each zone's hash
// table) and the origin index, then hands out the immutable result.
// Compile time only; one builder per compile().
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "engine/config/config.h"
#include "engine/zone/encoder.h"
#include "engine/zone/snapshot.h"

namespace hadns::zone {

// An entry before it is placed in a hash table.
struct entry_spec {
  uint32_t name = 0;        // offset from add_name()
  uint8_t name_len = 0;
  uint16_t type = 0;
  uint8_t flags = 0;
  uint32_t resp = 0;
  uint32_t aux = k_no_slot;
};

class snapshot_builder {
 public:
  snapshot_builder() : snap_(std::make_shared<snapshot>()) {}

  uint32_t add_name(const wire_name& name);
  uint32_t add_response(const body& b);  // returns its offset
  // The per-state response offsets of a failover entry; returns their offset.
  uint32_t add_variants(const std::array<uint32_t, live::k_slot_states>& offs);
  uint32_t add_slot(std::shared_ptr<live::failover_slot> slot);

  // Adds a zone with its entries; returns its index.
  uint32_t add_zone(const wire_name& origin, std::string origin_text, std::string view,
                    uint32_t nxdomain, const std::vector<entry_spec>& entries);
  // Makes zone `zone` visible to clients in `prefixes` (empty: public).
  void add_view(const wire_name& origin, const std::vector<config::prefix>& prefixes,
                uint32_t zone);

  std::shared_ptr<const snapshot> finish();

 private:
  uint32_t align4();
  std::shared_ptr<snapshot> snap_;
};

}  // namespace hadns::zone
