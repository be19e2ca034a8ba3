// tests/engine/core/failover_test.cc -- failover record sets: one store on
// the slot switches every answer that holds the set.
#include <gtest/gtest.h>

#include "tests/engine/core/dns_test_util.h"

namespace hadns::test {
namespace {

class Failover : public ::testing::Test {
 protected:
  void SetUp() override {
    config::config cfg;
    auto z = zone_of("core.test.", "core.test.zone");
    z.failover.push_back(failover_of("app.core.test.", "A", 1, {"192.0.2.2"}, {"192.0.2.3", "192.0.2.4"}));
    z.failover.push_back(failover_of("svc", "TXT", 16, {"\"primary\""}, {"\"secondary\""}, 30));
    cfg.zones.push_back(z);
    result_ = zone::compile(cfg, table_);
    ASSERT_EQ(result_.bindings.size(), 2u);
    slot_ = result_.bindings[0].slot;
  }
  message q(const std::string& name, uint16_t type) {
    auto m = ask(*result_.snap, make_query(name, type));
    if (!m) throw std::runtime_error("dropped");
    return *m;
  }
  static std::string first_a(const message& m) {
    for (const rr& r : m.answer())
      if (r.type == 1) return std::to_string(r.rdata[3]);
    return "";
  }
  live::live_table table_;
  zone::compiled result_;
  std::shared_ptr<live::failover_slot> slot_;
};

TEST_F(Failover, BindingsNameTheRecordSets) {
  EXPECT_EQ(result_.bindings[0].key.owner, "app.core.test.");
  EXPECT_EQ(result_.bindings[0].key.type, 1);
  EXPECT_EQ(result_.bindings[0].key.origin, "core.test.");
  EXPECT_EQ(result_.bindings[0].primary_check, "primary-check");
  EXPECT_EQ(result_.bindings[1].key.owner, "svc.core.test.");
}

TEST_F(Failover, OneStoreSwitchesTheAnswer) {
  EXPECT_EQ(first_a(q("app.core.test", 1)), "2");
  EXPECT_EQ(q("app.core.test", 1).answer()[0].ttl, 60u);
  slot_->store(live::slot_state::secondary);
  message m = q("app.core.test", 1);
  EXPECT_EQ(m.answer().size(), 2u);
  EXPECT_EQ(first_a(m), "3");
  slot_->store(live::slot_state::primary);
  EXPECT_EQ(first_a(q("app.core.test", 1)), "2");
}

TEST_F(Failover, ServfailStateAnswersServfail) {
  slot_->store(live::slot_state::servfail);
  message m = q("app.core.test", 1);
  EXPECT_EQ(m.rcode(), 2);
  EXPECT_TRUE(m.answer().empty());
  EXPECT_EQ(q("www.core.test", 1).rcode(), 0) << "other names are not affected";
}

TEST_F(Failover, CnameChainAndAnyFollowTheSlot) {
  message chain = q("app-alias.core.test", 1);
  ASSERT_EQ(chain.answer().size(), 2u);
  EXPECT_EQ(first_a(chain), "2");
  EXPECT_EQ(first_a(q("app.core.test", 255)), "2");
  slot_->store(live::slot_state::secondary);
  EXPECT_EQ(first_a(q("app-alias.core.test", 1)), "3");
  EXPECT_EQ(first_a(q("app.core.test", 255)), "3");
}

TEST_F(Failover, FailoverNameHasNodataForOtherTypes) {
  message m = q("app.core.test", 28);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_TRUE(m.answer().empty());
  EXPECT_EQ(m.authority().size(), 1u);
}

TEST_F(Failover, RelativeNameAndTxtValues) {
  message m = q("svc.core.test", 16);
  ASSERT_EQ(m.answer().size(), 1u);
  EXPECT_EQ(m.answer()[0].rdata[1], 'p');
  result_.bindings[1].slot->store(live::slot_state::secondary);
  EXPECT_EQ(q("svc.core.test", 16).answer()[0].rdata[1], 's');
}

TEST_F(Failover, RecompileKeepsSlotState) {
  slot_->store(live::slot_state::secondary);
  config::config cfg;
  auto z = zone_of("core.test.", "core.test.zone");
  z.failover.push_back(failover_of("app.core.test.", "A", 1, {"192.0.2.2"}, {"192.0.2.3"}));
  cfg.zones.push_back(z);
  zone::compiled again = zone::compile(cfg, table_);
  EXPECT_EQ(again.bindings[0].slot, slot_);
  auto m = ask(*again.snap, make_query("app.core.test", 1));
  ASSERT_TRUE(m);
  EXPECT_EQ(first_a(*m), "3");
}

}  // namespace
}  // namespace hadns::test
