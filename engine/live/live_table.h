// engine/live/live_table.h -- failover slots and their record definitions,
// kept outside any Snapshot so that they survive reloads.
//
// A slot is keyed by (origin, allow_from set, owner name, type). The compiler
// (engine/zone) asks for the slot of each failover record set it compiles and
// the Snapshot keeps a shared_ptr to it; the probe thread is the only writer
// of slot states. A reload builds a new binding list; slots whose key still
// exists are the same objects, so their state carries over.
//
// Threads: `bind`/`bindings` are called by the thread that compiles configs
// (start-up or reload), under the table's own mutex, never by shards.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/live/slot.h"

namespace hadns::live {

struct slot_key {
  std::string origin;       // lower-case, trailing dot
  std::string allow_from;   // canonical prefix list joined by ",", empty = public
  std::string owner;        // lower-case absolute name, trailing dot
  uint16_t type = 0;

  bool operator==(const slot_key&) const = default;
  std::string text() const;  // "app.demo.test. A" (+ " [10.0.0.0/8]" for a private view)
};

struct slot_key_hash {
  size_t operator()(const slot_key& k) const noexcept;
};

enum class both_unhealthy_policy : uint8_t { primary, secondary, servfail };

// What the probe thread needs to decide one failover record set.
struct failover_binding {
  slot_key key;
  std::shared_ptr<failover_slot> slot;
  std::string primary_check;    // never empty
  std::string secondary_check;  // empty = unchecked secondary
  std::chrono::milliseconds failback_delay{0};
  both_unhealthy_policy both_unhealthy = both_unhealthy_policy::primary;
};

class live_table {
 public:
  // The slot for `key`, created (state primary) if it does not exist yet.
  std::shared_ptr<failover_slot> slot_for(const slot_key& key);

  // Replaces the binding list (a reload's new key map). Slots no longer
  // bound are forgotten by the table (Snapshots that still point at them
  // keep them alive until they are freed).
  void set_bindings(std::vector<failover_binding> bindings);
  std::vector<failover_binding> bindings() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<slot_key, std::shared_ptr<failover_slot>, slot_key_hash> slots_;
  std::vector<failover_binding> bindings_;
};

}  // namespace hadns::live
