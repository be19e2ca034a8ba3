// tests/engine/io/standin_core.h -- a stand-in Snapshot and packet core for
// testing the shard loop on its own: it echoes the query with QR and AA set
// and the Snapshot's rcode; a query whose first label is "big" gets a
// 3000-byte answer (TC over UDP). Headers under 12 bytes and QR=1 are
// dropped, like the real core.
#pragma once

#include <atomic>
#include <cstdint>

namespace hadns::zone {

class snapshot {
 public:
  snapshot(uint8_t rcode, std::atomic<int>* destroyed) : rcode_(rcode), destroyed_(destroyed) {}
  ~snapshot() {
    if (destroyed_) destroyed_->fetch_add(1);
  }
  uint8_t rcode() const noexcept { return rcode_; }

 private:
  uint8_t rcode_;
  std::atomic<int>* destroyed_;
};

}  // namespace hadns::zone
