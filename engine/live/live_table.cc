// engine/live/live_table.cc -- slot lookup and binding lists (see live_table.h).
#include "engine/live/live_table.h"

#include <algorithm>

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

std::shared_ptr<failover_slot> live_table::slot_for(const slot_key& key) {
  std::lock_guard lock(mutex_);
  for (auto& [k, s] : slots_)
    if (k == key) return s;
  auto s = std::make_shared<failover_slot>();
  slots_.emplace_back(key, s);
  return s;
}

void live_table::set_bindings(std::vector<failover_binding> bindings) {
  std::lock_guard lock(mutex_);
  std::erase_if(slots_, [&](const auto& entry) {
    return std::none_of(bindings.begin(), bindings.end(),
                        [&](const failover_binding& b) { return b.key == entry.first; });
  });
  bindings_ = std::move(bindings);
}

std::vector<failover_binding> live_table::bindings() const {
  std::lock_guard lock(mutex_);
  return bindings_;
}

}  // namespace hadns::live
