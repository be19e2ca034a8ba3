// tests/engine/core/answer_test.cc -- the packet core against design.md "DNS
// behaviour", over zones compiled from tests/data/zones.
#include "engine/core/answer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/core/batch.h"
#include "engine/core/dname.h"
#include "tests/engine/core/dns_test_util.h"

namespace hadns::test {
namespace {

using core::transport;

class Answer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config::config cfg;
    auto core = zone_of("core.test.", "core.test.zone");
    core.failover.push_back(failover_of("app.core.test.", "A", 1, {"192.0.2.2"}, {"192.0.2.3"}));
    cfg.zones.push_back(core);
    cfg.zones.push_back(zone_of("core.test.", "core-private.test.zone", {"10.0.0.0/8", "fd00::/8"}));
    cfg.zones.push_back(zone_of("other.test.", "other.test.zone"));
    cfg.zones.push_back(zone_of("child.core.test.", "child.core.test.zone"));
    table_ = new live::live_table;
    compiled_ = new zone::compiled(zone::compile(cfg, *table_));
  }
  static void TearDownTestSuite() {
    delete compiled_;
    delete table_;
  }
  static const zone::snapshot& snap() { return *compiled_->snap; }
  static message q(const std::string& name, uint16_t type, query_opts o = {},
                   const core::client& from = client_v4()) {
    auto m = ask(snap(), make_query(name, type, o), from);
    if (!m) throw std::runtime_error("dropped");
    return *m;
  }
  static std::vector<std::string> a_values(const std::vector<rr>& rrs) {
    std::vector<std::string> out;
    for (const rr& r : rrs)
      if (r.type == 1) out.push_back(std::to_string(r.rdata[0]) + "." + std::to_string(r.rdata[1]) + "." +
                                     std::to_string(r.rdata[2]) + "." + std::to_string(r.rdata[3]));
    std::sort(out.begin(), out.end());
    return out;
  }
  static inline live::live_table* table_ = nullptr;
  static inline zone::compiled* compiled_ = nullptr;
};

TEST_F(Answer, PositiveAnswerIsAuthoritativeWithBothRecords) {
  message m = q("www.core.test", 1);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_TRUE(m.aa());
  EXPECT_FALSE(m.tc());
  EXPECT_EQ(m.id, 0x1234);
  EXPECT_TRUE(m.flags & 0x8000);
  EXPECT_TRUE(m.flags & 0x0100) << "RD is copied";
  EXPECT_FALSE(m.flags & 0x0080) << "RA is never set";
  EXPECT_EQ(a_values(m.answer()), (std::vector<std::string>{"192.0.2.80", "192.0.2.81"}));
  EXPECT_EQ(m.answer()[0].owner, "www.core.test.");
  EXPECT_EQ(m.answer()[0].ttl, 3600u);
  EXPECT_TRUE(m.authority().empty());
  EXPECT_FALSE(m.opt);
}

TEST_F(Answer, EchoesQuestionInClientLetterCase) {
  message m = q("wWw.CoRe.TeSt", 1);
  EXPECT_EQ(m.qname, "wWw.CoRe.TeSt.");
  EXPECT_EQ(m.answer().size(), 2u);
}

TEST_F(Answer, ApexNsGetsGlueInAdditional) {
  message m = q("core.test", 2);
  ASSERT_EQ(m.answer().size(), 2u);
  std::vector<std::string> add;
  for (auto& r : m.additional()) add.push_back(r.owner + std::to_string(r.type));
  std::sort(add.begin(), add.end());
  EXPECT_EQ(add, (std::vector<std::string>{"ns1.core.test.1", "ns1.core.test.28", "ns2.core.test.1"}));
}

TEST_F(Answer, MxAndSrvTargetsGetAddresses) {
  message mx = q("core.test", 15);
  ASSERT_EQ(mx.answer().size(), 1u);
  EXPECT_EQ(mx.answer()[0].target, "mail.core.test.");
  EXPECT_EQ(a_values(mx.additional()), std::vector<std::string>{"192.0.2.25"});
  message srv = q("_sip._tcp.core.test", 33);
  ASSERT_EQ(srv.answer().size(), 1u);
  EXPECT_EQ(a_values(srv.additional()), std::vector<std::string>{"192.0.2.60"});
}

TEST_F(Answer, FollowsCnameChainInsideZone) {
  message m = q("alias.core.test", 1);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_TRUE(m.aa());
  ASSERT_EQ(m.answer().size(), 4u);
  EXPECT_EQ(m.answer()[0].type, 5);
  EXPECT_EQ(m.answer()[0].owner, "alias.core.test.");
  EXPECT_EQ(m.answer()[0].target, "alias2.core.test.");
  EXPECT_EQ(m.answer()[1].owner, "alias2.core.test.");
  EXPECT_EQ(m.answer()[1].target, "www.core.test.");
  EXPECT_EQ(a_values(m.answer()), (std::vector<std::string>{"192.0.2.80", "192.0.2.81"}));
  message aaaa = q("alias.core.test", 28);
  ASSERT_EQ(aaaa.answer().size(), 3u);
  EXPECT_EQ(aaaa.answer()[2].type, 28);
}

TEST_F(Answer, CnameChainEndingInNodataCarriesSoa) {
  message m = q("alias.core.test", 15);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_EQ(m.answer().size(), 2u);
  ASSERT_EQ(m.authority().size(), 1u);
  EXPECT_EQ(m.authority()[0].type, 6);
}

TEST_F(Answer, CnameQueryGetsOnlyTheCname) {
  message m = q("alias.core.test", 5);
  ASSERT_EQ(m.answer().size(), 1u);
  EXPECT_EQ(m.answer()[0].target, "alias2.core.test.");
}

TEST_F(Answer, CnameOutOfZoneStopsAtTheCname) {
  message m = q("outside.core.test", 1);
  EXPECT_EQ(m.rcode(), 0);
  ASSERT_EQ(m.answer().size(), 1u);
  EXPECT_EQ(m.answer()[0].target, "www.example.net.");
  EXPECT_TRUE(m.authority().empty());
}

TEST_F(Answer, DanglingCnameIsNxdomainWithChain) {
  message m = q("dangling.core.test", 1);
  EXPECT_EQ(m.rcode(), 3);
  EXPECT_EQ(m.answer().size(), 1u);
  ASSERT_EQ(m.authority().size(), 1u);
  EXPECT_EQ(m.authority()[0].owner, "core.test.");
}

TEST_F(Answer, CnameLoopTerminates) {
  message m = q("loop1.core.test", 1);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_EQ(m.answer().size(), 2u);
}

TEST_F(Answer, CnameChainCrossesIntoOtherZone) {
  message m = q("to-child.other.test", 1);
  ASSERT_EQ(m.answer().size(), 2u);
  EXPECT_EQ(a_values(m.answer()), std::vector<std::string>{"203.0.113.5"});
}

TEST_F(Answer, CnameChainStopsAtZoneWithPrivateViews) {
  // core.test. looks different to private clients, so a chain from a zone
  // every client sees does not follow into it.
  message m = q("to-core.other.test", 1);
  ASSERT_EQ(m.answer().size(), 1u);
  EXPECT_EQ(m.answer()[0].target, "www.core.test.");
}

TEST_F(Answer, NxdomainHasSoaWithNegativeTtlForAnyNameLength) {
  for (std::string name : std::vector<std::string>{"x.core.test", "NoSuch.Core.Test", "a.b.c.d.e.f.g.h.core.test",
                           std::string(63, 'q') + "." + std::string(63, 'r') + ".core.test"}) {
    message m = q(name, 1);
    EXPECT_EQ(m.rcode(), 3) << name;
    EXPECT_TRUE(m.aa());
    EXPECT_TRUE(m.answer().empty());
    ASSERT_EQ(m.authority().size(), 1u) << name;
    EXPECT_EQ(m.authority()[0].owner, "core.test.") << name;
    EXPECT_EQ(m.authority()[0].type, 6);
    EXPECT_EQ(m.authority()[0].ttl, 300u) << "min(SOA TTL 3600, MINIMUM 300)";
    EXPECT_EQ(m.authority()[0].target, "ns1.core.test.");
  }
}

TEST_F(Answer, NodataHasSoa) {
  message m = q("www.core.test", 15);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_TRUE(m.aa());
  EXPECT_TRUE(m.answer().empty());
  ASSERT_EQ(m.authority().size(), 1u);
  EXPECT_EQ(m.authority()[0].owner, "core.test.");
  EXPECT_EQ(m.authority()[0].ttl, 300u);
}

TEST_F(Answer, EmptyNonTerminalIsNodata) {
  for (const char* name : {"deep.ent.core.test", "ent.core.test"}) {
    message m = q(name, 1);
    EXPECT_EQ(m.rcode(), 0) << name;
    EXPECT_TRUE(m.answer().empty());
    EXPECT_EQ(m.authority().size(), 1u);
  }
}

TEST_F(Answer, WildcardSynthesisesTheQueryName) {
  for (std::string name : std::vector<std::string>{"foo.wild.core.test", "a.b.c.wild.core.test", "X.WILD.core.test"}) {
    message m = q(name, 1);
    EXPECT_EQ(m.rcode(), 0) << name;
    EXPECT_TRUE(m.aa());
    ASSERT_EQ(m.answer().size(), 1u) << name;
    std::string lower = name + ".";
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    EXPECT_EQ(m.answer()[0].owner, lower);
    EXPECT_EQ(a_values(m.answer()), std::vector<std::string>{"192.0.2.99"});
  }
  message txt = q("foo.wild.core.test", 16);
  ASSERT_EQ(txt.answer().size(), 1u);
  message nodata = q("foo.wild.core.test", 28);
  EXPECT_EQ(nodata.rcode(), 0);
  EXPECT_TRUE(nodata.answer().empty());
  ASSERT_EQ(nodata.authority().size(), 1u);
  EXPECT_EQ(nodata.authority()[0].owner, "core.test.");
}

TEST_F(Answer, WildcardDoesNotMatchExistingNamesOrBelowThem) {
  EXPECT_EQ(a_values(q("real.wild.core.test", 1).answer()), std::vector<std::string>{"192.0.2.98"});
  message nodata = q("real.wild.core.test", 16);
  EXPECT_EQ(nodata.rcode(), 0);
  EXPECT_TRUE(nodata.answer().empty());
  EXPECT_EQ(q("x.real.wild.core.test", 1).rcode(), 3);
}

TEST_F(Answer, EmptyNonTerminalBlocksWildcard) {
  EXPECT_EQ(q("blocked.wild.core.test", 1).answer().size(), 0u);
  EXPECT_EQ(q("blocked.wild.core.test", 1).rcode(), 0);
  EXPECT_EQ(q("q.blocked.wild.core.test", 1).rcode(), 3);
}

TEST_F(Answer, LiteralWildcardNameMatchesItself) {
  message m = q("*.wild.core.test", 1);
  ASSERT_EQ(m.answer().size(), 1u);
  EXPECT_EQ(m.answer()[0].owner, "*.wild.core.test.");
}

TEST_F(Answer, DelegationIsReferralWithGlue) {
  for (const char* name : {"sub.core.test", "host.sub.core.test", "ns.sub.core.test", "a.b.c.sub.core.test"}) {
    message m = q(name, 1);
    EXPECT_EQ(m.rcode(), 0) << name;
    EXPECT_FALSE(m.aa()) << name;
    EXPECT_TRUE(m.answer().empty());
    ASSERT_EQ(m.authority().size(), 2u) << name;
    EXPECT_EQ(m.authority()[0].owner, "sub.core.test.");
    EXPECT_EQ(m.authority()[0].type, 2);
    std::vector<std::string> add;
    for (auto& r : m.additional()) add.push_back(r.owner + std::to_string(r.type));
    std::sort(add.begin(), add.end());
    EXPECT_EQ(add, (std::vector<std::string>{"ns.sub.core.test.1", "ns.sub.core.test.28",
                                             "ns1.core.test.1", "ns1.core.test.28"}))
        << name;
  }
}

TEST_F(Answer, DsAtCutIsAnsweredByParent) {
  message ds = q("signed.core.test", 43);
  EXPECT_TRUE(ds.aa());
  ASSERT_EQ(ds.answer().size(), 1u);
  EXPECT_EQ(ds.answer()[0].type, 43);
  message none = q("sub.core.test", 43);
  EXPECT_TRUE(none.aa());
  EXPECT_TRUE(none.answer().empty());
  EXPECT_EQ(none.authority().size(), 1u);
}

// As Knot DNS answers: the chain (AA, ours), then the referral's NS set and
// glue; DS at the cut itself is the parent's (NODATA with SOA).
TEST_F(Answer, CnameIntoADelegationGetsTheReferralWithAa) {
  for (const char* name : {"tocut.core.test", "tocutname.core.test"}) {
    for (uint16_t type : {1, 2, 16}) {
      message m = q(name, type);
      EXPECT_EQ(m.rcode(), 0) << name;
      EXPECT_TRUE(m.aa()) << name;
      ASSERT_EQ(m.answer().size(), 1u) << name;
      EXPECT_EQ(m.answer()[0].type, 5);
      ASSERT_EQ(m.authority().size(), 2u) << name << " " << type;
      EXPECT_EQ(m.authority()[0].owner, "sub.core.test.");
      EXPECT_EQ(m.authority()[0].type, 2);
      std::vector<std::string> add;
      for (auto& r : m.additional()) add.push_back(r.owner + std::to_string(r.type));
      std::sort(add.begin(), add.end());
      EXPECT_EQ(add, (std::vector<std::string>{"ns.sub.core.test.1", "ns.sub.core.test.28",
                                               "ns1.core.test.1", "ns1.core.test.28"}))
          << name << " " << type;
    }
  }
  message ds = q("tocutname.core.test", 43);
  EXPECT_TRUE(ds.aa());
  ASSERT_EQ(ds.answer().size(), 1u);
  EXPECT_EQ(ds.answer()[0].type, 5);
  ASSERT_EQ(ds.authority().size(), 1u);
  EXPECT_EQ(ds.authority()[0].type, 6);
  EXPECT_EQ(q("tocutname.core.test", 5).authority().size(), 0u);
}

TEST_F(Answer, InDomainGlueThatDoesNotFitSetsTc) {
  message udp = q("wide.core.test", 1);
  EXPECT_TRUE(udp.tc());
  EXPECT_EQ(udp.authority().size(), 13u);
  EXPECT_LE(udp.size, 512u);
  message tcp = q("wide.core.test", 1, {}, client_v4("192.0.2.200", transport::tcp));
  EXPECT_FALSE(tcp.tc());
  EXPECT_EQ(tcp.additional().size(), 26u);
}

TEST_F(Answer, LargeAnswerTruncatesToEmptySectionsOverUdp) {
  message udp = q("big.core.test", 16);
  EXPECT_TRUE(udp.tc());
  EXPECT_TRUE(udp.answer().empty());
  EXPECT_TRUE(udp.authority().empty());
  EXPECT_TRUE(udp.additional().empty());
  EXPECT_EQ(udp.qname, "big.core.test.");

  query_opts small{.edns = true, .udp = 512};
  message edns512 = q("big.core.test", 16, small);
  EXPECT_TRUE(edns512.tc());
  EXPECT_TRUE(edns512.answer().empty());
  ASSERT_TRUE(edns512.opt) << "OPT kept when truncated";

  message edns = q("big.core.test", 16, {.edns = true, .udp = 4096});
  EXPECT_FALSE(edns.tc());
  EXPECT_EQ(edns.answer().size(), 8u);
  EXPECT_LE(edns.size, 1232u) << "min(client's 4096, max_udp 1232)";

  message tcp = q("big.core.test", 16, {}, client_v4("192.0.2.200", transport::tcp));
  EXPECT_FALSE(tcp.tc());
  EXPECT_EQ(tcp.answer().size(), 8u);
}

TEST_F(Answer, AdditionalThatDoesNotFitIsDroppedWithoutTc) {
  message udp = q("mxmany.core.test", 15);
  EXPECT_FALSE(udp.tc());
  EXPECT_EQ(udp.answer().size(), 20u);
  EXPECT_LT(udp.additional().size(), 20u);
  EXPECT_LE(udp.size, 512u);
  message tcp = q("mxmany.core.test", 15, {}, client_v4("192.0.2.200", transport::tcp));
  EXPECT_EQ(tcp.additional().size(), 20u);
}

TEST_F(Answer, EdnsQueryGetsOpt) {
  message m = q("www.core.test", 1, {.edns = true, .udp = 4096, .do_bit = true});
  ASSERT_TRUE(m.opt);
  EXPECT_EQ(m.opt->udp, 1232);
  EXPECT_EQ(m.opt->version, 0);
  EXPECT_TRUE(m.opt->do_bit);
  EXPECT_EQ(m.answer().size(), 2u);
  message plain = q("nx.core.test", 1, {.edns = true});
  ASSERT_TRUE(plain.opt);
  EXPECT_EQ(plain.rcode(), 3);
  EXPECT_FALSE(plain.opt->do_bit);
}

TEST_F(Answer, EdnsVersionAboveZeroIsBadvers) {
  message m = q("www.core.test", 1, {.edns = true, .version = 1});
  EXPECT_EQ(m.rcode(), 16);
  ASSERT_TRUE(m.opt);
  EXPECT_EQ(m.opt->version, 0);
  EXPECT_TRUE(m.answer().empty());
}

TEST_F(Answer, MalformedOptIsFormerr) {
  auto bad = make_query("www.core.test", 1, {.edns = true});
  bad[bad.size() - 1] = 4;  // RDLENGTH 4 with no RDATA
  auto m = ask(snap(), bad);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rcode(), 1);
  EXPECT_FALSE(m->opt);

  auto two = make_query("www.core.test", 1, {.edns = true});
  two[11] = 2;
  two.insert(two.end(), {0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(ask(snap(), two)->rcode(), 1);

  auto opt_option = make_query("www.core.test", 1, {.edns = true});
  opt_option[opt_option.size() - 1] = 6;  // one option of length 2, malformed tiling
  opt_option.insert(opt_option.end(), {0, 10, 0, 3, 1, 2});
  EXPECT_EQ(ask(snap(), opt_option)->rcode(), 1);
}

TEST_F(Answer, OptWithOptionsIsAccepted) {
  auto cookie = make_query("www.core.test", 1, {.edns = true});
  cookie[cookie.size() - 1] = 12;
  cookie.insert(cookie.end(), {0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8});
  auto m = ask(snap(), cookie);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->rcode(), 0);
  EXPECT_EQ(m->answer().size(), 2u);
}

TEST_F(Answer, OutsideOurZonesIsRefused) {
  message m = q("www.example.net", 1);
  EXPECT_EQ(m.rcode(), 5);
  EXPECT_FALSE(m.aa());
  EXPECT_TRUE(m.answer().empty());
  EXPECT_EQ(m.qname, "www.example.net.");
  EXPECT_EQ(q("test", 1).rcode(), 5);
  EXPECT_EQ(q("", 1).rcode(), 5) << "the root";
}

TEST_F(Answer, MetaTypesAndOtherClassesAreRefused) {
  EXPECT_EQ(q("core.test", 252).rcode(), 5) << "AXFR";
  EXPECT_EQ(q("core.test", 251).rcode(), 5) << "IXFR";
  EXPECT_EQ(q("core.test", 250).rcode(), 5) << "TSIG";
  EXPECT_EQ(q("core.test", 41).rcode(), 5) << "OPT";
  EXPECT_EQ(q("www.core.test", 1, {.qclass = 3}).rcode(), 5) << "CH";
  EXPECT_EQ(q("www.core.test", 1, {.qclass = 255}).rcode(), 5) << "class ANY";
}

TEST_F(Answer, AnyGetsOneRrSet) {
  message www = q("www.core.test", 255);
  ASSERT_EQ(www.answer().size(), 2u);
  EXPECT_EQ(www.answer()[0].type, 1) << "the lowest type present";
  message alias = q("alias.core.test", 255);
  ASSERT_EQ(alias.answer().size(), 1u);
  EXPECT_EQ(alias.answer()[0].type, 5);
  message tcp = q("www.core.test", 255, {}, client_v4("192.0.2.200", transport::tcp));
  EXPECT_EQ(tcp.answer().size(), 2u);
  message wild = q("any.wild.core.test", 255);
  ASSERT_EQ(wild.answer().size(), 1u);
  EXPECT_EQ(wild.answer()[0].type, 1);
}

TEST_F(Answer, UnknownTypeServedAsStored) {
  message m = q("unknown.core.test", 65534);
  ASSERT_EQ(m.answer().size(), 1u);
  EXPECT_EQ(m.answer()[0].rdata, (std::vector<uint8_t>{1, 2, 3}));
}

TEST_F(Answer, QdcountOtherThanOneIsFormerr) {
  auto q0 = make_query("www.core.test", 1);
  q0[5] = 0;
  auto m0 = ask(snap(), q0);
  ASSERT_TRUE(m0);
  EXPECT_EQ(m0->rcode(), 1);
  EXPECT_EQ(m0->count[0], 0);
  auto q2 = make_query("www.core.test", 1);
  q2[5] = 2;
  EXPECT_EQ(ask(snap(), q2)->rcode(), 1);
}

TEST_F(Answer, BrokenQuestionIsFormerr) {
  auto cut = make_query("www.core.test", 1);
  cut.resize(cut.size() - 3);
  EXPECT_EQ(ask(snap(), cut)->rcode(), 1);
  std::vector<uint8_t> pointer = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
  EXPECT_EQ(ask(snap(), pointer)->rcode(), 1);
  std::vector<uint8_t> long_label = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 64};
  long_label.resize(long_label.size() + 70, 'a');
  long_label.insert(long_label.end(), {0, 0, 1, 0, 1});
  EXPECT_EQ(ask(snap(), long_label)->rcode(), 1);
  auto with_answer = make_query("www.core.test", 1);
  with_answer[7] = 1;
  EXPECT_EQ(ask(snap(), with_answer)->rcode(), 1);
}

TEST_F(Answer, UnknownOpcodeIsNotimp) {
  for (uint16_t opcode : {1, 2, 4, 5, 15}) {
    auto m = ask(snap(), make_query("www.core.test", 1, {.flags = uint16_t(opcode << 11)}));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->rcode(), 4) << opcode;
    EXPECT_EQ((m->flags >> 11) & 0xF, opcode);
  }
}

// design.md: CD is copied into replies to QUERY only; a reply to another
// opcode copies RD and nothing else (genreport's opcodeflg test).
TEST_F(Answer, NotimpCopiesRdOnly) {
  const uint16_t every_flag = 0x0400 | 0x0200 | 0x0100 | 0x0080 | 0x0040 | 0x0020 | 0x0010;
  for (uint16_t opcode : {1, 2, 15}) {
    auto m = ask(snap(), make_query("www.core.test", 1, {.flags = uint16_t(opcode << 11 | every_flag)}));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->rcode(), 4);
    EXPECT_EQ(m->flags & 0x07F0, 0x0100) << "opcode " << opcode << ": RD only, flags " << std::hex << m->flags;
    EXPECT_EQ((m->flags >> 11) & 0xF, opcode);
  }
  auto cd = ask(snap(), make_query("www.core.test", 1, {.flags = 0x0010}));
  ASSERT_TRUE(cd);
  EXPECT_EQ(cd->flags & 0x0010, 0x0010) << "QUERY keeps CD";
  auto formerr = make_query("www.core.test", 1, {.flags = 0x0110});
  formerr[7] = 1;
  auto fe = ask(snap(), formerr);
  ASSERT_TRUE(fe);
  EXPECT_EQ(fe->rcode(), 1);
  EXPECT_EQ(fe->flags & 0x0110, 0x0110) << "FORMERR to a QUERY keeps RD and CD";
}

// RFC 6891 section 7: OPT in the reply whenever the query had one, error
// replies that stop parsing before the additional section included.
TEST_F(Answer, ErrorRepliesKeepOpt) {
  auto notimp = ask(snap(), make_query("www.core.test", 1, {.flags = uint16_t(2 << 11), .edns = true}));
  ASSERT_TRUE(notimp);
  EXPECT_EQ(notimp->rcode(), 4);
  EXPECT_TRUE(notimp->opt);

  auto with_answer = make_query("www.core.test", 1, {.edns = true});
  with_answer[7] = 1;  // ANCOUNT 1: the OPT record now reads as the answer record
  auto formerr = ask(snap(), with_answer);
  ASSERT_TRUE(formerr);
  EXPECT_EQ(formerr->rcode(), 1);
  EXPECT_FALSE(formerr->opt);  // no OPT left in the additional section: none echoed

  auto two_questions = make_query("www.core.test", 1, {.edns = true});
  two_questions[5] = 2;  // QDCOUNT 2, the second question made of the next bytes
  auto n = wire_name_of("mail.core.test");
  std::vector<uint8_t> second(n.begin(), n.end());
  second.insert(second.end(), {0, 1, 0, 1});
  two_questions.insert(two_questions.end() - 11, second.begin(), second.end());
  auto formerr2 = ask(snap(), two_questions);
  ASSERT_TRUE(formerr2);
  EXPECT_EQ(formerr2->rcode(), 1);
  EXPECT_TRUE(formerr2->opt);
  EXPECT_EQ(formerr2->count[0], 0);

  auto plain = ask(snap(), make_query("www.core.test", 1, {.flags = uint16_t(4 << 11)}));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->opt);
}

TEST_F(Answer, UnreadableOrResponsePacketsAreDropped) {
  EXPECT_FALSE(ask(snap(), {}));
  EXPECT_FALSE(ask(snap(), {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_FALSE(ask(snap(), make_query("www.core.test", 1, {.flags = 0x8000})));
}

TEST_F(Answer, PrivateViewByClientAddress) {
  EXPECT_EQ(a_values(q("www.core.test", 1, {}, client_v4("10.1.2.3")).answer()),
            std::vector<std::string>{"10.0.0.80"});
  EXPECT_EQ(a_values(q("www.core.test", 1, {}, client_v6("::ffff:10.1.2.3")).answer()),
            std::vector<std::string>{"10.0.0.80"})
      << "IPv4-mapped IPv6 matches as IPv4";
  EXPECT_EQ(a_values(q("www.core.test", 1, {}, client_v6("fd00::1")).answer()),
            std::vector<std::string>{"10.0.0.80"});
  EXPECT_EQ(q("mail.core.test", 1, {}, client_v4("10.1.2.3")).rcode(), 3) << "no fall-through";
  EXPECT_EQ(a_values(q("www.core.test", 1, {}, client_v6("2001:db8::1")).answer()),
            (std::vector<std::string>{"192.0.2.80", "192.0.2.81"}));
  EXPECT_EQ(a_values(q("host.other.test", 1, {}, client_v4("10.1.2.3")).answer()),
            std::vector<std::string>{"198.51.100.10"})
      << "public zones are seen by private clients too";
}

TEST_F(Answer, ClosestEnclosingOriginWins) {
  message m = q("www.child.core.test", 1);
  EXPECT_TRUE(m.aa());
  EXPECT_EQ(a_values(m.answer()), std::vector<std::string>{"203.0.113.5"});
  EXPECT_EQ(q("nx.child.core.test", 1).authority()[0].owner, "child.core.test.");
}

// A private-only zone below a public one: its networks see it, everybody
// else gets REFUSED for the whole subtree, never the public parent's
// NXDOMAIN.
TEST_F(Answer, PrivateChildOfPublicZoneIsRefusedToOthers) {
  config::config cfg;
  cfg.zones.push_back(zone_of("core.test.", "core.test.zone"));
  cfg.zones.push_back(zone_of("secret.core.test.", "secret.core.test.zone", {"10.0.0.0/8"}));
  live::live_table table;
  zone::compiled c = zone::compile(cfg, table);
  auto inside = ask(*c.snap, make_query("db.secret.core.test", 1), client_v4("10.1.2.3"));
  ASSERT_TRUE(inside);
  EXPECT_EQ(a_values(inside->answer()), std::vector<std::string>{"10.9.9.9"});
  for (const char* name : {"db.secret.core.test", "secret.core.test", "nx.secret.core.test"}) {
    auto outside = ask(*c.snap, make_query(name, 1), client_v4("192.0.2.1"));
    ASSERT_TRUE(outside);
    EXPECT_EQ(outside->rcode(), 5) << name;
    EXPECT_FALSE(outside->aa()) << name;
  }
  auto parent = ask(*c.snap, make_query("www.core.test", 1), client_v4("192.0.2.1"));
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->rcode(), 0);
}

TEST_F(Answer, NeverWritesOutsideTheOutputSpan) {
  std::vector<uint8_t> buf(512 + 64, 0xAB);
  auto query = make_query("big.core.test", 16, {.edns = true, .udp = 4096});
  core::result r = core::answer(snap(), client_v4(), query, std::span<uint8_t>(buf.data(), 512));
  ASSERT_EQ(r.act, core::action::reply);
  EXPECT_LE(r.size, 512);
  EXPECT_TRUE(std::all_of(buf.begin() + 512, buf.end(), [](uint8_t b) { return b == 0xAB; }));
}

TEST_F(Answer, BatchMatchesSingleAnswers) {
  std::vector<std::vector<uint8_t>> queries = {make_query("www.core.test", 1), make_query("nx.core.test", 1),
                                               make_query("alias.core.test", 28), {1, 2, 3}};
  std::vector<std::vector<uint8_t>> outs(queries.size(), std::vector<uint8_t>(1232));
  std::vector<core::batch_item> items(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    items[i].query = queries[i];
    items[i].out = outs[i];
    items[i].from = client_v4();
  }
  core::answer_batch(snap(), items);
  for (size_t i = 0; i < queries.size(); ++i) {
    std::vector<uint8_t> single(1232);
    core::result r = core::answer(snap(), client_v4(), queries[i], single);
    ASSERT_EQ(items[i].res.act, r.act);
    ASSERT_EQ(items[i].res.size, r.size);
    EXPECT_TRUE(std::equal(single.begin(), single.begin() + r.size, outs[i].begin()));
  }
  EXPECT_EQ(items[3].res.act, core::action::drop);
}

// RFC 6672 DNAME, compiled from tests/data/zones/dname.test.zone with
// other.test. served too.
class Dname : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    config::config cfg;
    cfg.zones.push_back(zone_of("dname.test.", "dname.test.zone"));
    cfg.zones.push_back(zone_of("other.test.", "other.test.zone"));
    table_ = new live::live_table;
    compiled_ = new zone::compiled(zone::compile(cfg, *table_));
  }
  static void TearDownTestSuite() {
    delete compiled_;
    delete table_;
  }
  static message q(const std::string& name, uint16_t type, query_opts o = {},
                   const core::client& from = client_v4()) {
    auto m = ask(*compiled_->snap, make_query(name, type, o), from);
    if (!m) throw std::runtime_error("dropped");
    return *m;
  }
  // "owner type target-or-rdata-size" per answer RR, for compact checks.
  static std::vector<std::string> rrs(const std::vector<rr>& section) {
    std::vector<std::string> out;
    for (const rr& r : section)
      out.push_back(r.owner + " " + std::to_string(r.type) + " " +
                    (r.target.empty() ? std::to_string(r.rdata.size()) : r.target));
    return out;
  }
  static std::string dname_target(const rr& r) {
    size_t pos = 0;
    return read_name(r.rdata, pos, true);
  }
  static inline live::live_table* table_ = nullptr;
  static inline zone::compiled* compiled_ = nullptr;
};

TEST_F(Dname, NameBelowOwnerGetsDnameSynthesisedCnameAndTheTargetsAnswer) {
  message m = q("WWW.Dept.dname.test", 1);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_TRUE(m.aa());
  EXPECT_EQ(m.qname, "WWW.Dept.dname.test.");
  ASSERT_EQ(m.answer().size(), 3u);
  EXPECT_EQ(m.answer()[0].owner, "dept.dname.test.");
  EXPECT_EQ(m.answer()[0].type, 39);
  EXPECT_EQ(dname_target(m.answer()[0]), "new.dname.test.");
  EXPECT_EQ(m.answer()[1].owner, "www.dept.dname.test.");
  EXPECT_EQ(m.answer()[1].type, 5);
  EXPECT_EQ(m.answer()[1].target, "www.new.dname.test.");
  EXPECT_EQ(m.answer()[1].ttl, 600u) << "the DNAME's TTL";
  EXPECT_EQ(m.answer()[2].owner, "www.new.dname.test.");
  EXPECT_EQ(m.answer()[2].type, 1);
  EXPECT_TRUE(m.authority().empty());
}

TEST_F(Dname, TheOwnerAnswersNormally) {
  message a = q("dept.dname.test", 1);
  ASSERT_EQ(a.answer().size(), 1u);
  EXPECT_EQ(a.answer()[0].type, 1);
  message d = q("dept.dname.test", 39);
  ASSERT_EQ(d.answer().size(), 1u);
  EXPECT_EQ(dname_target(d.answer()[0]), "new.dname.test.");
  message nodata = q("dept.dname.test", 28);
  EXPECT_EQ(nodata.rcode(), 0);
  EXPECT_TRUE(nodata.answer().empty());
  EXPECT_EQ(nodata.authority().size(), 1u);
}

TEST_F(Dname, DataBelowTheOwnerIsOccluded) {
  for (const char* name : {"occluded.dept.dname.test", "nothing.dept.dname.test"}) {
    message m = q(name, 1);
    EXPECT_EQ(m.rcode(), 3) << name << ": the substituted name does not exist";
    ASSERT_EQ(m.answer().size(), 2u) << name;
    EXPECT_EQ(m.answer()[0].type, 39);
    EXPECT_EQ(m.answer()[1].type, 5);
    ASSERT_EQ(m.authority().size(), 1u);
    EXPECT_EQ(m.authority()[0].owner, "dname.test.");
    EXPECT_EQ(m.authority()[0].target, "ns1.dname.test.");
  }
}

TEST_F(Dname, ChainFollowsThroughCnamesWildcardsAndAdditional) {
  EXPECT_EQ(rrs(q("alias.dept.dname.test", 28).answer()),
            (std::vector<std::string>{"dept.dname.test. 39 16", "alias.dept.dname.test. 5 alias.new.dname.test.",
                                      "alias.new.dname.test. 5 www.new.dname.test.",
                                      "www.new.dname.test. 28 16"}));
  EXPECT_EQ(rrs(q("a.b.wild.dept.dname.test", 1).answer()),
            (std::vector<std::string>{"dept.dname.test. 39 16",
                                      "a.b.wild.dept.dname.test. 5 a.b.wild.new.dname.test.",
                                      "a.b.wild.new.dname.test. 1 4"}));
  message mx = q("mail.dept.dname.test", 15);
  ASSERT_EQ(mx.answer().size(), 3u);
  EXPECT_EQ(mx.answer()[2].target, "www.new.dname.test.");
  EXPECT_EQ(rrs(mx.additional()), (std::vector<std::string>{"www.new.dname.test. 1 4",
                                                            "www.new.dname.test. 28 16"}));
}

TEST_F(Dname, TargetInAnotherZoneWeServe) {
  EXPECT_EQ(rrs(q("host.cross.dname.test", 1).answer()),
            (std::vector<std::string>{"cross.dname.test. 39 12", "host.cross.dname.test. 5 host.other.test.",
                                      "host.other.test. 1 4"}));
  message nx = q("nx.cross.dname.test", 1);
  EXPECT_EQ(nx.rcode(), 3);
  ASSERT_EQ(nx.authority().size(), 1u);
  EXPECT_EQ(nx.authority()[0].owner, "other.test.");
}

TEST_F(Dname, TargetOutsideOurZonesEndsAtTheCname) {
  message m = q("host.ext.dname.test", 1);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_TRUE(m.aa());
  EXPECT_EQ(rrs(m.answer()), (std::vector<std::string>{"ext.dname.test. 39 13",
                                                       "host.ext.dname.test. 5 host.example.net."}));
  EXPECT_TRUE(m.authority().empty());
}

TEST_F(Dname, CnameQueryGetsDnameAndCnameOnly) {
  message m = q("www.dept.dname.test", 5);
  EXPECT_EQ(m.rcode(), 0);
  EXPECT_EQ(m.answer().size(), 2u);
  EXPECT_TRUE(m.authority().empty());
}

TEST_F(Dname, TargetBelowADelegationGetsTheReferralWithAa) {
  message m = q("ns.todeleg.dname.test", 1);
  EXPECT_TRUE(m.aa());
  EXPECT_EQ(m.answer().size(), 2u);
  EXPECT_EQ(rrs(m.authority()), std::vector<std::string>{"sub.dname.test. 2 ns.sub.dname.test."});
  EXPECT_EQ(rrs(m.additional()), std::vector<std::string>{"ns.sub.dname.test. 1 4"});
}

TEST_F(Dname, DnameToDnameAndCnameIntoDname) {
  EXPECT_EQ(rrs(q("www.chain.dname.test", 1).answer()),
            (std::vector<std::string>{"chain.dname.test. 39 17", "www.chain.dname.test. 5 www.dept.dname.test.",
                                      "dept.dname.test. 39 16", "www.dept.dname.test. 5 www.new.dname.test.",
                                      "www.new.dname.test. 1 4"}));
  EXPECT_EQ(rrs(q("tocname.dname.test", 1).answer()),
            (std::vector<std::string>{"tocname.dname.test. 5 www.dept.dname.test.", "dept.dname.test. 39 16",
                                      "www.dept.dname.test. 5 www.new.dname.test.", "www.new.dname.test. 1 4"}));
}

TEST_F(Dname, DnameIntoItsOwnSubtreeTerminates) {
  message m = q("a.self.dname.test", 1);
  EXPECT_EQ(m.answer()[0].type, 39);
  EXPECT_LE(m.answer().size(), size_t(1 + core::k_max_dname_steps));
  for (size_t i = 1; i < m.answer().size(); ++i) EXPECT_EQ(m.answer()[i].type, 5);
}

TEST_F(Dname, SubstitutionOver255BytesIsYxdomain) {
  std::string p50(50, 'p');
  message fits = q("qq." + p50 + ".long.dname.test", 1, {}, client_v4("192.0.2.200", transport::tcp));
  EXPECT_EQ(fits.rcode(), 0);
  ASSERT_EQ(fits.answer().size(), 2u);
  EXPECT_EQ(fits.answer()[1].target.size(), 254u) << "255 bytes on the wire";
  message over = q("qqqqq." + p50 + ".long.dname.test", 1, {}, client_v4("192.0.2.200", transport::tcp));
  EXPECT_EQ(over.rcode(), 6);
  EXPECT_TRUE(over.aa());
  ASSERT_EQ(over.answer().size(), 1u);
  EXPECT_EQ(over.answer()[0].type, 39);
  message udp = q("qq." + p50 + ".long.dname.test", 1);
  EXPECT_TRUE(udp.tc()) << "does not fit 512 bytes";
  EXPECT_TRUE(udp.answer().empty());
  EXPECT_LE(udp.size, 512u);
}

// Every synthesised reply parses strictly (no forward or misplaced
// compression pointers, counts matching the records), whatever the query
// name's length, type and transport.
TEST_F(Dname, RepliesParseForEveryNameLengthTypeAndTransport) {
  const std::vector<std::string> owners = {"dept", "cross", "ext", "todeleg", "chain", "self", "long"};
  const std::vector<uint16_t> types = {1, 2, 5, 6, 15, 16, 28, 39, 43, 255};
  size_t replies = 0;
  for (const std::string& owner : owners)
    for (size_t len : {1u, 7u, 30u, 63u, 120u, 200u}) {
      std::string prefix;
      while (prefix.size() < len) prefix += std::string(std::min<size_t>(20, len - prefix.size()), 'x') + ".";
      for (const char* leaf : {"", "www.", "mail.", "host.", "a.b.wild."}) {
        std::string name = leaf + prefix + owner + ".dname.test";
        if (name.size() > 250) continue;
        for (uint16_t type : types)
          for (int mode = 0; mode < 3; ++mode) {
            query_opts o;
            o.edns = mode == 1;
            core::client c = client_v4("192.0.2.200", mode == 2 ? transport::tcp : transport::udp);
            auto m = ask(*compiled_->snap, make_query(name, type, o), c);  // parse_message throws on bad replies
            ASSERT_TRUE(m) << name;
            ++replies;
            if (m->tc()) continue;
            ASSERT_FALSE(m->answer().empty()) << name << " " << type;
            EXPECT_EQ(m->answer()[0].type, 39) << name << " " << type;
            EXPECT_TRUE(m->aa());
          }
      }
    }
  EXPECT_GT(replies, 3000u);
}

TEST_F(Dname, NeverWritesOutsideTheOutputSpan) {
  std::string p50(50, 'p');
  for (const std::string& name : {"qq." + p50 + ".long.dname.test", std::string("a.self.dname.test"),
                                  std::string("mail.dept.dname.test")}) {
    for (size_t size : {512u, 600u}) {
      std::vector<uint8_t> buf(size + 64, 0xAB);
      auto query = make_query(name, 15, {.edns = true, .udp = 4096});
      core::client c = client_v4();
      c.max_udp = static_cast<uint16_t>(size);
      core::result r = core::answer(*compiled_->snap, c, query, std::span<uint8_t>(buf.data(), size));
      ASSERT_EQ(r.act, core::action::reply);
      EXPECT_LE(r.size, size);
      EXPECT_TRUE(std::all_of(buf.begin() + static_cast<long>(size), buf.end(), [](uint8_t b) { return b == 0xAB; }));
      buf.resize(r.size);
      EXPECT_NO_THROW(parse_message(buf)) << name;
    }
  }
}

}  // namespace
}  // namespace hadns::test
