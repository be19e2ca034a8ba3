// tests/engine/wire/rr_type_test.cc -- type mnemonics both ways, the one
// table the zone reader, the config, the status pages and the load
// generator share.
#include "engine/wire/rr_type.h"

#include <gtest/gtest.h>

namespace hadns::wire {
namespace {

TEST(RecordTypes, ConvertBothWays) {
  EXPECT_EQ(type_from_name("A"), 1);
  EXPECT_EQ(type_from_name("aaaa"), 28);
  EXPECT_EQ(type_from_name("HTTPS"), 65);
  EXPECT_EQ(type_from_name("TYPE65534"), 65534);
  EXPECT_EQ(type_from_name("TYPE1"), 1);
  EXPECT_EQ(type_from_name("BOGUS"), 0);
  EXPECT_EQ(type_from_name(""), 0);
  EXPECT_EQ(type_to_name(1), "A");
  EXPECT_EQ(type_to_name(65), "HTTPS");
  EXPECT_EQ(type_to_name(65534), "TYPE65534");
}

// Types the hand-written tables of the status pages and the load
// generator did not know.
TEST(RecordTypes, EveryMnemonicOfTheTable) {
  EXPECT_EQ(type_from_name("spf"), 99);
  EXPECT_EQ(type_to_name(99), "SPF");
  EXPECT_EQ(type_to_name(256), "URI");
  EXPECT_EQ(type_from_name("type65"), 65);
  EXPECT_EQ(type_from_name("TYPE70000"), 0);
}

}  // namespace
}  // namespace hadns::wire
