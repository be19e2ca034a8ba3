// engine/core/batch.h -- answer() over a batch of queries, for front ends
// that receive and send in batches (recvmmsg, io_uring completions, AF_XDP
// rings). Same guarantees as answer(): no syscall, no allocation, no lock.
#pragma once

#include <span>

#include "engine/core/answer.h"

namespace hadns::core {

struct batch_item {
  std::span<const uint8_t> query;
  std::span<uint8_t> out;      // at least 512 bytes (65535 for TCP)
  client from;
  result res;                  // filled in
};

void answer_batch(const zone::snapshot& snap, std::span<batch_item> items) noexcept;

}  // namespace hadns::core
