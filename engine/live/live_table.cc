// engine/live/live_table.cc -- slot lookup and binding lists (see live_table.h).
#include "engine/live/live_table.h"

#include <functional>
#include <unordered_set>

namespace hadns::live {

const char* to_string(slot_state s) noexcept {
  switch (s) {
    case slot_state::primary: return "primary";
    case slot_state::secondary: return "secondary";
    case slot_state::servfail: return "servfail";
  }
  return "?";
}

std::string slot_key::text() const {
  std::string t = owner + " TYPE" + std::to_string(type);
  if (!allow_from.empty()) t += " [" + allow_from + "]";
  return t;
}

size_t slot_key_hash::operator()(const slot_key& k) const noexcept {
  std::hash<std::string_view> h;
  size_t v = h(k.owner);
  v = v * 31 + h(k.origin);
  v = v * 31 + h(k.allow_from);
  return v * 31 + k.type;
}

// Hashed, not scanned: a compile asks once per failover record set, so a
// scan would make compiling n record sets take n^2 steps.
std::shared_ptr<failover_slot> live_table::slot_for(const slot_key& key) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = slots_.try_emplace(key);
  if (fresh) it->second = std::make_shared<failover_slot>();
  return it->second;
}

void live_table::set_bindings(std::vector<failover_binding> bindings) {
  std::unordered_set<slot_key, slot_key_hash> bound;
  bound.reserve(bindings.size());
  for (const failover_binding& b : bindings) bound.insert(b.key);
  std::lock_guard lock(mutex_);
  std::erase_if(slots_, [&](const auto& entry) { return !bound.contains(entry.first); });
  bindings_ = std::move(bindings);
}

std::vector<failover_binding> live_table::bindings() const {
  std::lock_guard lock(mutex_);
  return bindings_;
}

}  // namespace hadns::live
