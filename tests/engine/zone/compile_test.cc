// tests/engine/zone/compile_test.cc -- Config -> Snapshot: the errors
// compile() reports, views and what the Snapshot holds. (SOA/NS failover
// types and a view defined twice are config errors: tests/engine/config/
// errors_test.cc, SoaAndNsAreNotFailoverTypes and SameOriginAndPrefixTwice.)
#include "engine/zone/compile.h"

#include <gtest/gtest.h>

#include "engine/zone/snapshot.h"
#include "tests/engine/core/dns_test_util.h"

namespace hadns::test {
namespace {

config::config one_zone(std::vector<config::failover_record> fo) {
  config::config cfg;
  auto z = zone_of("core.test.", "core.test.zone");
  z.failover = std::move(fo);
  cfg.zones.push_back(z);
  return cfg;
}

config::config_error compile_error(const config::config& cfg) {
  live::live_table t;
  try {
    zone::compile(cfg, t);
  } catch (const config::config_error& e) {
    return e;
  }
  ADD_FAILURE() << "compile() accepted the config";
  return config::config_error("", 0, "", "");
}

TEST(Compile, FailoverNameWithStaticSetIsErrorNamingBothLines) {
  auto e = compile_error(one_zone({failover_of("www", "A", 1, {"192.0.2.9"}, {"192.0.2.10"}, 40)}));
  EXPECT_EQ(e.file(), "test.yaml");
  EXPECT_EQ(e.line(), 40);
  EXPECT_EQ(e.key(), "zones[0].failover[0].name");
  EXPECT_NE(e.message().find("core.test.zone:15"), std::string::npos) << e.what();
}

TEST(Compile, FailoverAtOrBelowDelegationIsError) {
  auto e = compile_error(one_zone({failover_of("x.sub", "A", 1, {"192.0.2.9"}, {"192.0.2.10"})}));
  EXPECT_EQ(e.key(), "zones[0].failover[0].name");
  EXPECT_NE(e.message().find("delegation"), std::string::npos);
  compile_error(one_zone({failover_of("sub", "A", 1, {"192.0.2.9"}, {"192.0.2.10"})}));
}

TEST(Compile, FailoverBreakingCnameAndOtherDataIsError) {
  EXPECT_EQ(compile_error(one_zone({failover_of("alias", "A", 1, {"192.0.2.9"}, {"192.0.2.10"})})).key(),
            "zones[0].failover[0].type");
  EXPECT_EQ(compile_error(one_zone({failover_of("www", "CNAME", 5, {"mail"}, {"sip"})})).key(),
            "zones[0].failover[0].type");
}

TEST(Compile, BadFailoverValuesNameTheSide) {
  auto e = compile_error(one_zone({failover_of("new", "A", 1, {"192.0.2.9"}, {"not-an-address"}, 50)}));
  EXPECT_EQ(e.key(), "zones[0].failover[0].secondary.values");
  EXPECT_EQ(e.line(), 53);
}

TEST(Compile, ChainDependingOnTwoSlotsIsErrorNamingBoth) {
  auto e = compile_error(one_zone({failover_of("app", "A", 1, {"192.0.2.2"}, {"192.0.2.3"}, 20),
                                   failover_of("front", "CNAME", 5, {"app-alias"}, {"www"}, 30)}));
  EXPECT_NE(e.message().find("app.core.test."), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("front.core.test."), std::string::npos) << e.what();
}

TEST(Compile, ZoneFileErrorNamesTheZoneFile) {
  config::config cfg;
  cfg.zones.push_back(zone_of("core.test.", "no-such-file.zone"));
  auto e = compile_error(cfg);
  EXPECT_EQ(e.key(), "zones[0].file");
}

// design.md: a zone holding DNSSEC records is refused at load, naming the
// file and the line of the first such record, until signed answers are
// served (validators would judge the unsigned answers bogus).
TEST(Compile, SignedZoneIsRefusedNamingFileAndLine) {
  config::config cfg;
  cfg.zones.push_back(zone_of("signed.test.", "signed.test.zone"));
  auto e = compile_error(cfg);
  EXPECT_NE(e.file().find("tests/data/zones/signed.test.zone"), std::string::npos) << e.what();
  EXPECT_EQ(e.line(), 11) << "the RRSIG, the first DNSSEC record in file order: " << e.what();
  EXPECT_EQ(e.key(), "zones[0].file");
  EXPECT_NE(e.message().find("RRSIG"), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("signed zones are not served"), std::string::npos) << e.what();
}

TEST(Compile, DsAtDelegationDoesNotMakeTheZoneSigned) {
  live::live_table t;
  auto c = zone::compile(one_zone({}), t);  // core.test. has a DS at signed.core.test.
  auto ds = ask(*c.snap, make_query("signed.core.test", 43));
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->answer().size(), 1u);
}

TEST(Compile, DnssecTypesCannotBeFailoverTypes) {
  auto e = compile_error(one_zone({failover_of("x", "DNSKEY", 48, {"257 3 13 AAECAw=="}, {"257 3 13 AAECAw=="})}));
  EXPECT_EQ(e.key(), "zones[0].failover[0].type");
  EXPECT_NE(e.message().find("signed zones"), std::string::npos) << e.what();
}

// A failover name below a DNAME would never be answered: a config error
// naming the failover entry and the DNAME's file and line.
TEST(Compile, FailoverBelowDnameIsErrorNamingBoth) {
  config::config cfg;
  auto z = zone_of("dname.test.", "dname.test.zone");
  z.failover.push_back(failover_of("app.dept", "A", 1, {"192.0.2.9"}, {"192.0.2.10"}, 60));
  cfg.zones.push_back(z);
  auto e = compile_error(cfg);
  EXPECT_EQ(e.line(), 60);
  EXPECT_EQ(e.key(), "zones[0].failover[0].name");
  EXPECT_NE(e.message().find("dept.dname.test."), std::string::npos) << e.what();
  EXPECT_NE(e.message().find("dname.test.zone:9"), std::string::npos) << e.what();
  auto owner = zone_of("dname.test.", "dname.test.zone");
  owner.failover.push_back(failover_of("dept", "TXT", 16, {"\"a\""}, {"\"b\""}));
  config::config ok;
  ok.zones.push_back(owner);
  live::live_table t;
  EXPECT_NO_THROW(zone::compile(ok, t)) << "the owner itself may hold failover sets";
  auto dn = zone_of("dname.test.", "dname.test.zone");
  dn.failover.push_back(failover_of("x", "DNAME", 39, {"new"}, {"www.new"}));
  config::config bad;
  bad.zones.push_back(dn);
  EXPECT_EQ(compile_error(bad).key(), "zones[0].failover[0].type");
}

TEST(Compile, FailoverNameCreatesNodeAndEmptyNonTerminals) {
  live::live_table t;
  auto c = zone::compile(one_zone({failover_of("a.b.fresh", "A", 1, {"192.0.2.9"}, {"192.0.2.10"})}), t);
  auto ent = ask(*c.snap, make_query("b.fresh.core.test", 1));
  ASSERT_TRUE(ent);
  EXPECT_EQ(ent->rcode(), 0);
  EXPECT_TRUE(ent->answer().empty());
  auto hit = ask(*c.snap, make_query("a.b.fresh.core.test", 1));
  ASSERT_EQ(hit->answer().size(), 1u);
  EXPECT_EQ(ask(*c.snap, make_query("c.fresh.core.test", 1))->rcode(), 3);
}

TEST(Compile, StatsAndZones) {
  live::live_table t;
  config::config cfg = one_zone({});
  cfg.zones.push_back(zone_of("core.test.", "core-private.test.zone", {"10.0.0.0/8"}));
  auto c = zone::compile(cfg, t);
  ASSERT_EQ(c.zones.size(), 2u);
  EXPECT_EQ(c.zones[0].view, "public");
  EXPECT_EQ(c.zones[1].view, "10.0.0.0/8");
  EXPECT_GT(c.zones[0].records, 50u);
  EXPECT_EQ(c.snap->zones().size(), 2u);
  EXPECT_GT(c.snap->entry_count(), c.zones[0].records);
}

TEST(Snapshot, LongestPrefixWinsAmongPrivateViews) {
  live::live_table t;
  config::config cfg;
  cfg.zones.push_back(zone_of("core.test.", "core.test.zone", {"10.0.0.0/8"}));
  cfg.zones.push_back(zone_of("core.test.", "core-private.test.zone", {"10.1.0.0/16"}));
  auto c = zone::compile(cfg, t);
  auto www = [&](const char* from) {
    auto m = ask(*c.snap, make_query("www.core.test", 1), client_v4(from));
    return m->answer().empty() ? -1 : int(m->answer()[0].rdata[0]);
  };
  EXPECT_EQ(www("10.1.2.3"), 10);
  EXPECT_EQ(www("10.2.2.3"), 192);
  EXPECT_EQ(ask(*c.snap, make_query("www.core.test", 1), client_v4("192.0.2.1"))->rcode(), 5)
      << "no public core.test.: others get REFUSED";
}

}  // namespace
}  // namespace hadns::test
