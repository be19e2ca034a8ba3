// engine/io/frame_front.h -- a front end that answers raw frames (AF_XDP)
// inside a shard's loop, beside the io_uring UDP and TCP front ends.
//
// The shard polls fd() for readability with its own ring and calls
// on_ready() when it fires, and again while on_ready() says more is
// waiting. on_ready() answers one batch with the Snapshot the shard loaded
// for this turn: no syscall per packet, no lock, no allocation.
//
// Threads: created on the main thread before the shards start, then used
// only by the one shard it is handed to; destroyed after that shard ended.
#pragma once

#include <cstdint>

#include "engine/io/counters.h"

namespace hadns::zone { class snapshot; }

namespace hadns::io {

class frame_front {
 public:
  virtual ~frame_front() = default;
  // Readable when frames are waiting.
  virtual int fd() const noexcept = 0;
  // Answers up to one batch; true when more frames may be waiting.
  virtual bool on_ready(const zone::snapshot* snap, uint16_t max_udp, shard_counters& counters) noexcept = 0;
};

}  // namespace hadns::io
