// tests/engine/io/shard_alloc.h -- checks that the shard loop allocates
// nothing per packet. A binary linking shard_alloc.cc counts every heap
// allocation of the process (its operator new replaces the library's in
// all forms; malloc, calloc and realloc called from code linked into the
// binary are wrapped at link time with --wrap, see CMakeLists.txt).
//
// expect_no_allocation_per_packet() starts a one-shard server on loopback
// with `snap`, warms it up, then answers thousands of UDP queries and
// pipelined TCP queries on one kept connection (qname/qtype, with OPT) and
// expects the count not to move. The client side of the measured window
// uses only buffers made before it and plain syscalls, so whatever is
// counted there is the server's.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace hadns::zone { class snapshot; }

namespace hadns::io {

// `qname` in wire form. Call from a TEST body (it uses gtest assertions).
void expect_no_allocation_per_packet(std::shared_ptr<const zone::snapshot> snap,
                                     const std::vector<uint8_t>& qname, uint16_t qtype);

}  // namespace hadns::io
