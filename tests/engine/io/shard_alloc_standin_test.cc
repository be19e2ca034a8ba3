// tests/engine/io/shard_alloc_standin_test.cc -- the shard loop alone (UDP
// and TCP front ends, stand-in core) allocates nothing per packet.
#include <gtest/gtest.h>

#include "tests/engine/io/shard_alloc.h"
#include "tests/engine/io/standin_core.h"

namespace hadns::io {
namespace {

TEST(ShardAllocations, NonePerPacketWithTheStandInCore) {
  const std::vector<uint8_t> www_demo_test = {3, 'w', 'w', 'w', 4, 'd', 'e', 'm', 'o',
                                              4, 't', 'e', 's', 't', 0};
  expect_no_allocation_per_packet(std::make_shared<const zone::snapshot>(0, nullptr),
                                  www_demo_test, 1);
}

}  // namespace
}  // namespace hadns::io
