// engine/live/slot.h -- the failover slot: which precompiled variant of a
// failover record set is live.
//
// Memory ordering: one writer (the probe thread) stores with release; any
// number of readers (shards, control) load with acquire. A flip is one
// store: no lock, no allocation, no rebuild. Shards see it on their next
// packet.
#pragma once

#include <atomic>
#include <cstdint>

namespace hadns::live {

enum class slot_state : uint8_t { primary = 0, secondary = 1, servfail = 2 };
inline constexpr int k_slot_states = 3;

const char* to_string(slot_state s) noexcept;

class alignas(64) failover_slot {
 public:
  slot_state load() const noexcept { return static_cast<slot_state>(state_.load(std::memory_order_acquire)); }
  void store(slot_state s) noexcept { state_.store(static_cast<uint8_t>(s), std::memory_order_release); }

 private:
  std::atomic<uint8_t> state_{static_cast<uint8_t>(slot_state::primary)};
};

}  // namespace hadns::live
