// tests/engine/zone/snapshot_test.cc -- choosing the zone for a question
// (snapshot::find_zone through answer()) among many zones: origins of one
// wire length, nested origins, private views, names below no zone.
#include "engine/zone/snapshot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/engine/core/dns_test_util.h"

namespace hadns::test {
namespace {

namespace fs = std::filesystem;

constexpr int k_zones = 1500;

std::string label(int i) {
  char b[16];
  std::snprintf(b, sizeof b, "z%04d", i);
  return b;
}

// The A record of www in zone i: 10.<i>/16 spread over two octets, last
// octet `tag` (which zone file it came from).
std::string address(int i, int tag) {
  return "10." + std::to_string(i >> 8) + "." + std::to_string(i & 255) + "." + std::to_string(tag);
}

std::string a_value(const message& m) {
  if (m.answer().size() != 1 || m.answer()[0].type != 1) return "?";
  const auto& r = m.answer()[0].rdata;
  return std::to_string(r[0]) + "." + std::to_string(r[1]) + "." + std::to_string(r[2]) + "." +
         std::to_string(r[3]);
}

// Many zones zNNNN.test. (all 11 bytes on the wire), each with www and
// sub.www; nested zones a.z0007.test. and b.a.z0007.test.; z0042.test.
// has a private view for 10.0.0.0/8 besides its public one; p.z0099.test.
// is private only. No zone test. itself.
class ZoneChoice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("hadns-zone-choice-" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    config::config cfg;
    auto add = [&](const std::string& origin, const std::string& body, std::vector<std::string> allow = {}) {
      fs::path file = *dir_ / (origin + std::to_string(cfg.zones.size()) + ".zone");
      std::ofstream(file) << "$ORIGIN " << origin << "\n$TTL 300\n"
                          << "@ SOA ns1 hostmaster 1 7200 900 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
                          << body;
      config::zone_config z = zone_of(origin, "", std::move(allow));
      z.file = file.string();
      cfg.zones.push_back(z);
    };
    for (int i = 0; i < k_zones; ++i)
      add(label(i) + ".test.", "www A " + address(i, 1) + "\nsub.www A " + address(i, 2) + "\n");
    add("a.z0007.test.", "www A 192.0.2.71\n");
    add("b.a.z0007.test.", "www A 192.0.2.72\n");
    add("z0042.test.", "www A 172.16.0.42\n", {"10.0.0.0/8"});
    add("p.z0099.test.", "www A 172.16.0.99\n", {"10.0.0.0/8"});
    // Origins longer than an origin bucket holds inline, equal in length.
    add(std::string(40, 'l') + "x.z0003.test.", "www A 192.0.2.31\n");
    add(std::string(40, 'l') + "y.z0003.test.", "www A 192.0.2.32\n");
    table_ = new live::live_table;
    compiled_ = new zone::compiled(zone::compile(cfg, *table_));
  }
  static void TearDownTestSuite() {
    delete compiled_;
    delete table_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  static message q(const std::string& name, uint16_t type = 1, const char* from = "192.0.2.200") {
    auto m = ask(*compiled_->snap, make_query(name, type), client_v4(from));
    if (!m) throw std::runtime_error("dropped");
    return *m;
  }
  static inline fs::path* dir_ = nullptr;
  static inline live::live_table* table_ = nullptr;
  static inline zone::compiled* compiled_ = nullptr;
};

TEST_F(ZoneChoice, EveryZoneOfOneLengthAnswersItsOwnNames) {
  for (int i = 0; i < k_zones; ++i) {
    message m = q("www." + label(i) + ".test");
    ASSERT_EQ(m.rcode(), 0) << i;
    ASSERT_TRUE(m.aa()) << i;
    ASSERT_EQ(a_value(m), address(i, 1)) << i;
    message apex = q(label(i) + ".test", 6);
    ASSERT_EQ(apex.answer().size(), 1u) << i;
    ASSERT_EQ(apex.answer()[0].owner, label(i) + ".test.") << i;
  }
}

TEST_F(ZoneChoice, LetterCaseOfTheQuestionDoesNotMatter) {
  EXPECT_EQ(a_value(q("WWW.Z1234.TEST")), address(1234, 1));
  EXPECT_EQ(a_value(q("sub.Www.z1499.Test")), address(1499, 2));
}

TEST_F(ZoneChoice, AbsentNameGetsNxdomainFromItsOwnZone) {
  message m = q("nope." + label(750) + ".test");
  EXPECT_EQ(m.rcode(), 3);
  EXPECT_TRUE(m.aa());
  ASSERT_EQ(m.authority().size(), 1u);
  EXPECT_EQ(m.authority()[0].owner, label(750) + ".test.");
}

TEST_F(ZoneChoice, LongestEnclosingOriginWins) {
  EXPECT_EQ(a_value(q("www.b.a.z0007.test")), "192.0.2.72");
  EXPECT_EQ(a_value(q("www.a.z0007.test")), "192.0.2.71");
  EXPECT_EQ(a_value(q("www.z0007.test")), address(7, 1));
  message below_b = q("x.y.b.a.z0007.test");
  EXPECT_EQ(below_b.rcode(), 3);
  EXPECT_EQ(below_b.authority()[0].owner, "b.a.z0007.test.");
  message in_a = q("c.a.z0007.test");
  EXPECT_EQ(in_a.rcode(), 3);
  EXPECT_EQ(in_a.authority()[0].owner, "a.z0007.test.");
}

TEST_F(ZoneChoice, LongOriginsOfOneLength) {
  EXPECT_EQ(a_value(q("www." + std::string(40, 'l') + "x.z0003.test")), "192.0.2.31");
  EXPECT_EQ(a_value(q("www." + std::string(40, 'l') + "y.z0003.test")), "192.0.2.32");
  message other = q("www." + std::string(40, 'l') + "z.z0003.test");
  EXPECT_EQ(other.rcode(), 3) << "in z0003.test., not in a long zone";
  EXPECT_EQ(other.authority()[0].owner, "z0003.test.");
}

TEST_F(ZoneChoice, PrivateViewsAmongManyZones) {
  EXPECT_EQ(a_value(q("www.z0042.test", 1, "10.1.2.3")), "172.16.0.42");
  EXPECT_EQ(a_value(q("www.z0042.test", 1, "192.0.2.9")), address(42, 1));
  EXPECT_EQ(a_value(q("www.z0043.test", 1, "10.1.2.3")), address(43, 1))
      << "public zones are seen by private clients too";
  EXPECT_EQ(a_value(q("www.p.z0099.test", 1, "10.1.2.3")), "172.16.0.99");
  message outside = q("www.p.z0099.test", 1, "192.0.2.9");
  EXPECT_EQ(outside.rcode(), 5) << "a private-only zone is REFUSED to others, not the parent's NXDOMAIN";
  EXPECT_FALSE(outside.aa());
}

TEST_F(ZoneChoice, NamesBelowNoZoneAreRefused) {
  for (const char* name : {"www.z9999.test", "z1500.test", "test", "www.example", ".", "a.b.c.d.e.f",
                           "www.y0001.test", "www.z0001.tesu"}) {
    message m = q(name);
    EXPECT_EQ(m.rcode(), 5) << name;
    EXPECT_FALSE(m.aa()) << name;
    EXPECT_TRUE(m.answer().empty()) << name;
  }
}

}  // namespace
}  // namespace hadns::test
