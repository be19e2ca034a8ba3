// tests/tools/loadgen/target_test.cc -- only loopback targets count as loopback.
#include "tools/loadgen/target.h"

#include <gtest/gtest.h>

namespace hadns::loadgen {
namespace {

TEST(LoadgenTarget, LoopbackAddresses) {
  EXPECT_TRUE(parse_target("127.0.0.1", 53)->loopback);
  EXPECT_TRUE(parse_target("127.255.1.2", 53)->loopback);
  EXPECT_TRUE(parse_target("::1", 53)->loopback);
  EXPECT_TRUE(parse_target("[::1]", 53)->loopback);
  EXPECT_EQ(parse_target("::1", 5353)->text, "[::1]:5353");
}

TEST(LoadgenTarget, OtherAddressesAreNotLoopback) {
  EXPECT_FALSE(parse_target("128.0.0.1", 53)->loopback);
  EXPECT_FALSE(parse_target("10.0.0.1", 53)->loopback);
  EXPECT_FALSE(parse_target("::2", 53)->loopback);
  EXPECT_FALSE(parse_target("2001:db8::1", 53)->loopback);
}

TEST(LoadgenTarget, HostNamesAreNotAccepted) {
  EXPECT_FALSE(parse_target("localhost", 53).has_value());
  EXPECT_FALSE(parse_target("", 53).has_value());
}

}  // namespace
}  // namespace hadns::loadgen
