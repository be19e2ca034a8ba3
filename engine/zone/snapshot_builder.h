// engine/zone/snapshot_builder.h -- assembles a Snapshot at compile time:
// appends response bodies, names, slots, zones (building each zone's hash
// table) and the origin index, then hands out the immutable result.
// Compile time only; one builder per compile().
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
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

  uint32_t add_name(std::span<const uint8_t> name);
  uint32_t add_response(const body& b);  // returns its offset
  // The per-state response offsets of a failover entry; returns their offset.
  uint32_t add_variants(const std::array<uint32_t, live::k_slot_states>& offs);
  uint32_t add_slot(std::shared_ptr<live::failover_slot> slot);

  // A zone: begin_zone() with the number of entries expected (the table
  // grows if more come), add_entry() for each, end_zone() returns its index.
  // Entries go straight into the zone's hash table.
  void begin_zone(size_t expected_entries);
  void add_entry(const entry_spec& e);
  uint32_t end_zone(std::span<const uint8_t> origin, std::string origin_text, std::string view,
                    uint32_t nxdomain);
  // Makes zone `zone` visible to clients in `prefixes` (empty: public).
  void add_view(std::span<const uint8_t> origin, const std::vector<config::prefix>& prefixes,
                uint32_t zone);
  // Room for `n` more bytes of names and responses (untouched room costs no
  // resident memory).
  void reserve_bytes(size_t n) { snap_->bytes_.reserve(snap_->bytes_.size() + n); }

  std::shared_ptr<const snapshot> finish();

 private:
  uint32_t align4();
  void place(const entry& e, bool check_duplicate);
  void grow_table();
  void flush_pending();
  void build_origin_table();
  std::shared_ptr<snapshot> snap_;
  std::unordered_map<std::string, uint32_t> origin_index_;  // wire origin -> origin group
  uint32_t zone_first_ = 0;
  uint32_t zone_mask_ = 0;
  size_t zone_count_ = 0;
  // Entries wait here a little after their bucket is prefetched, so that
  // the cache misses of a large table overlap instead of adding up.
  static constexpr size_t k_pending = 32;
  std::array<entry, k_pending> pending_{};
  size_t pending_head_ = 0;
  size_t pending_count_ = 0;
};

}  // namespace hadns::zone
