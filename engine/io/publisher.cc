// engine/io/publisher.cc -- QSBR bookkeeping for the publisher (see publisher.h).
#include "engine/io/publisher.h"

#include <algorithm>

namespace hadns::io {

qsbr_domain::qsbr_domain(int readers)
    : n_(readers), readers_(std::make_unique<qsbr_reader[]>(static_cast<size_t>(readers))) {}

void qsbr_domain::retire(std::shared_ptr<const void> old) {
  // Called after the new pointer was stored (seq_cst): sample every reader.
  retired r{std::move(old), std::vector<uint64_t>(static_cast<size_t>(n_))};
  for (int i = 0; i < n_; ++i) r.seen[static_cast<size_t>(i)] = readers_[i].state();
  std::lock_guard lock(mutex_);
  retired_.push_back(std::move(r));
}

bool qsbr_domain::safe(const std::vector<uint64_t>& seen) const noexcept {
  for (int i = 0; i < n_; ++i) {
    uint64_t then = seen[static_cast<size_t>(i)];
    if ((then & 1) == 0) continue;                  // offline at retire time
    if (readers_[i].state() != then) continue;      // passed a quiescent point since
    return false;
  }
  return true;
}

size_t qsbr_domain::reclaim() {
  std::vector<std::shared_ptr<const void>> dead;
  size_t left;
  {
    std::lock_guard lock(mutex_);
    auto keep = std::stable_partition(retired_.begin(), retired_.end(),
                                      [this](const retired& r) { return !safe(r.seen); });
    for (auto it = keep; it != retired_.end(); ++it) dead.push_back(std::move(it->object));
    retired_.erase(keep, retired_.end());
    left = retired_.size();
  }
  dead.clear();  // destructors run outside the lock
  return left;
}

size_t qsbr_domain::pending() const {
  std::lock_guard lock(mutex_);
  return retired_.size();
}

}  // namespace hadns::io
