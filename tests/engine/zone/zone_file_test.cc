// tests/engine/zone/zone_file_test.cc -- the zone file loader over real
// master files in tests/data/zones, failover value parsing, and the name and
// type helpers.
#include "engine/zone/zone_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace hadns::zone {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;

std::string zone_path(const std::string& name) {
  return std::string(HADNS_SOURCE_DIR) + "/tests/data/zones/" + name;
}

std::vector<uint8_t> bytes(std::initializer_list<int> list) {
  std::vector<uint8_t> out;
  for (int b : list) out.push_back(static_cast<uint8_t>(b));
  return out;
}

std::vector<uint8_t> cat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<uint8_t> str_bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<const record*> find(const std::vector<record>& rs, const std::string& owner,
                                const std::string& type) {
  std::vector<const record*> out;
  auto wire = name_from_text(owner);
  uint16_t t = type_from_name(type);
  for (const auto& r : rs) {
    if (r.owner == wire && r.type == t) out.push_back(&r);
  }
  return out;
}

const record& one(const std::vector<record>& rs, const std::string& owner, const std::string& type) {
  auto found = find(rs, owner, type);
  EXPECT_EQ(found.size(), 1u) << owner << " " << type;
  if (found.empty()) throw std::runtime_error("missing " + owner + " " + type);
  return *found.front();
}

class ExampleZone : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    records_ = new std::vector<record>(load_zone_file(zone_path("example.test.zone"), "example.test."));
  }
  static void TearDownTestSuite() {
    delete records_;
    records_ = nullptr;
  }
  static std::vector<record>* records_;
};
std::vector<record>* ExampleZone::records_ = nullptr;

TEST_F(ExampleZone, LoadsEveryRecord) {
  // 29 records in the file and 2 in the include.
  EXPECT_EQ(records_->size(), 31u);
  for (const char* type : {"SOA", "NS", "MX", "TXT", "CAA", "A", "AAAA", "CNAME", "SRV", "PTR",
                           "NAPTR", "DS", "SSHFP", "TLSA", "HTTPS", "SVCB", "DNAME", "TYPE65534"}) {
    uint16_t t = type_from_name(type);
    EXPECT_TRUE(std::any_of(records_->begin(), records_->end(),
                            [&](const record& r) { return r.type == t; }))
        << type;
  }
}

TEST_F(ExampleZone, SoaSpansParenthesesAndKeepsItsFirstLine) {
  const record& soa = one(*records_, "example.test.", "SOA");
  EXPECT_EQ(soa.line, 4);
  EXPECT_THAT(soa.file, EndsWith("tests/data/zones/example.test.zone"));
  EXPECT_EQ(soa.ttl, 3600u);
  auto expected = cat(cat(name_from_text("ns1.example.test."), name_from_text("hostmaster.example.test.")),
                      bytes({0x78, 0xa3, 0xf1, 0x75,  // 2024010101
                             0, 0, 0x1c, 0x20,        // 7200
                             0, 0, 0x03, 0x84,        // 900
                             0, 0x12, 0x75, 0,        // 1209600
                             0, 0, 0x01, 0x2c}));     // 300
  EXPECT_EQ(soa.rdata, expected);
}

TEST_F(ExampleZone, KeepsTheLineOfEveryRecord) {
  EXPECT_EQ(one(*records_, "ns1.example.test.", "A").line, 15);
  EXPECT_EQ(one(*records_, "sub.example.test.", "DS").line, 27);
  EXPECT_EQ(one(*records_, "ns.sub.example.test.", "A").line, 30);
  EXPECT_EQ(one(*records_, "after.example.test.", "A").line, 40);
  auto ns = find(*records_, "example.test.", "NS");
  ASSERT_EQ(ns.size(), 2u);
  EXPECT_EQ(ns[0]->line, 10);
  EXPECT_EQ(ns[1]->line, 11);
}

TEST_F(ExampleZone, LowerCasesOwnersAndKeepsRdataAsWritten) {
  const record& www = one(*records_, "www.example.test.", "A");
  EXPECT_EQ(www.rdata, bytes({192, 0, 2, 80}));
  EXPECT_EQ(www.line, 18);
  const record& mixed = one(*records_, "mixed.example.test.", "CNAME");
  EXPECT_EQ(mixed.rdata, name_from_text("Target.Example.TEST."));
}

TEST_F(ExampleZone, AppliesTtlDirectivesAndExplicitTtls) {
  EXPECT_EQ(one(*records_, "mail.example.test.", "A").ttl, 300u);
  EXPECT_EQ(one(*records_, "ns2.example.test.", "A").ttl, 3600u);
  EXPECT_EQ(one(*records_, "after.example.test.", "A").ttl, 60u);
}

TEST_F(ExampleZone, ExpandsRelativeNamesInRdata) {
  EXPECT_EQ(one(*records_, "example.test.", "MX").rdata,
            cat(bytes({0, 10}), name_from_text("mail.example.test.")));
  EXPECT_EQ(one(*records_, "alias.example.test.", "CNAME").rdata, name_from_text("www.example.test."));
  EXPECT_EQ(one(*records_, "_sip._tcp.example.test.", "SRV").rdata,
            cat(bytes({0, 10, 0, 5, 0x13, 0xc4}), name_from_text("sip.example.test.")));
  EXPECT_EQ(one(*records_, "4.2.0.192.example.test.", "PTR").rdata, name_from_text("www.example.test."));
}

TEST_F(ExampleZone, EncodesTextAndKeyedTypes) {
  EXPECT_EQ(one(*records_, "txt.example.test.", "TXT").rdata,
            cat(cat(bytes({11}), str_bytes("hello world")), cat(bytes({13}), str_bytes("second string"))));
  EXPECT_EQ(one(*records_, "example.test.", "CAA").rdata,
            cat(cat(bytes({0, 5}), str_bytes("issue")), str_bytes("ca.example.net")));
  const record& naptr = one(*records_, "naptr.example.test.", "NAPTR");
  EXPECT_EQ(naptr.rdata.size(), 2u + 2 + (1 + 1) + (1 + 7) + (1 + 28) + 1);
  EXPECT_EQ(one(*records_, "sub.example.test.", "DS").rdata.size(), 4u + 32);
  EXPECT_EQ(one(*records_, "ssh.example.test.", "SSHFP").rdata.size(), 2u + 32);
  EXPECT_EQ(one(*records_, "_443._tcp.www.example.test.", "TLSA").rdata.size(), 3u + 32);
  EXPECT_EQ(one(*records_, "svc.example.test.", "HTTPS").rdata,
            bytes({0, 1, 0, 0, 1, 0, 6, 2, 'h', '2', 2, 'h', '3'}));
  EXPECT_EQ(one(*records_, "_dns.svc.example.test.", "SVCB").rdata,
            cat(cat(bytes({0, 1}), name_from_text("svc.example.test.")), bytes({0, 3, 0, 2, 0x03, 0x55})));
  EXPECT_EQ(one(*records_, "old.example.test.", "DNAME").rdata, name_from_text("new.example.test."));
}

TEST_F(ExampleZone, ReadsRfc3597GenericRecords) {
  EXPECT_EQ(one(*records_, "unknown.example.test.", "TYPE65534").rdata, bytes({1, 2, 3}));
  EXPECT_EQ(one(*records_, "generic.example.test.", "A").rdata, bytes({192, 0, 2, 99}));
}

TEST_F(ExampleZone, IncludeIsRelativeToTheIncludingFileAndNamesItsOwnFile) {
  const record& host1 = one(*records_, "host1.example.test.", "A");
  EXPECT_THAT(host1.file, EndsWith("tests/data/zones/include/hosts.inc"));
  EXPECT_EQ(host1.line, 2);
  EXPECT_EQ(host1.ttl, 60u);
  const record& host2 = one(*records_, "host2.hosts.example.test.", "A");
  EXPECT_EQ(host2.line, 4);
  // The $ORIGIN inside the include does not leak out of it.
  EXPECT_THAT(one(*records_, "after.example.test.", "A").file, EndsWith("example.test.zone"));
}

TEST(ZoneFile, DropsExactDuplicatesKeepingTheFirst) {
  auto rs = load_zone_file(zone_path("duplicates.test.zone"), "duplicates.test.");
  auto a = find(rs, "www.duplicates.test.", "A");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0]->line, 4);
  EXPECT_EQ(a[0]->ttl, 60u);
  EXPECT_EQ(a[1]->line, 5);
}

TEST(ZoneFile, AcceptsRrsigBesideCname) {
  auto rs = load_zone_file(zone_path("duplicates.test.zone"), "DUPLICATES.test");
  EXPECT_EQ(find(rs, "alias.duplicates.test.", "CNAME").size(), 1u);
  EXPECT_EQ(find(rs, "alias.duplicates.test.", "RRSIG").size(), 1u);
}

struct broken_case {
  const char* file;       // under tests/data/zones/broken/
  const char* err_file;   // the file the error names (suffix)
  int line;
  const char* message;    // a substring of the message
};

class BrokenZone : public ::testing::TestWithParam<broken_case> {};

TEST_P(BrokenZone, NamesFileAndLine) {
  const broken_case& c = GetParam();
  try {
    load_zone_file(zone_path(std::string("broken/") + c.file), "broken.test.");
    FAIL() << c.file << " loaded";
  } catch (const zone_file_error& e) {
    EXPECT_THAT(e.file(), EndsWith(std::string("broken/") + c.err_file));
    EXPECT_EQ(e.line(), c.line) << e.what();
    EXPECT_THAT(e.message(), HasSubstr(c.message));
    EXPECT_THAT(std::string(e.what()), HasSubstr(":" + std::to_string(c.line) + ": "));
  }
}

INSTANTIATE_TEST_SUITE_P(
    ZoneFile, BrokenZone,
    ::testing::Values(
        broken_case{"syntax.zone", "syntax.zone", 6, "invalid IPv4 address"},
        broken_case{"soa_missing.zone", "soa_missing.zone", 4, "no SOA record"},
        broken_case{"soa_not_apex.zone", "soa_not_apex.zone", 4, "not at the zone apex"},
        broken_case{"soa_twice.zone", "soa_twice.zone", 5, "soa_twice.zone:3"},
        broken_case{"cname_other.zone", "cname_other.zone", 6, "CNAME and other data"},
        broken_case{"cname_after_other.zone", "cname_after_other.zone", 5, "A at "},
        broken_case{"cname_twice.zone", "cname_twice.zone", 5, "more than one CNAME"},
        broken_case{"dname_twice.zone", "dname_twice.zone", 5, "more than one DNAME at old.broken.test. (another at "},
        broken_case{"dname_ns.zone", "dname_ns.zone", 7, "DNAME and NS at cut.broken.test., below the apex"},
        broken_case{"out_of_zone.zone", "out_of_zone.zone", 4, "outside the zone broken.test."},
        broken_case{"suffix_not_zone.zone", "suffix_not_zone.zone", 4, "outside the zone"},
        broken_case{"class_ch.zone", "class_ch.zone", 4, "class CH is not supported"},
        broken_case{"class_number.zone", "class_number.zone", 5, "class CLASS3"},
        broken_case{"include_missing.zone", "include_missing.zone", 4, "missing.inc"},
        broken_case{"include_error.zone", "include_bad.inc", 3, "invalid address character"},
        broken_case{"unclosed.zone", "unclosed.zone", 5, "multiline"},
        broken_case{"unknown_type.zone", "unknown_type.zone", 4, ""}),
    [](const ::testing::TestParamInfo<broken_case>& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      return name;
    });

TEST(ZoneFile, MissingFileIsAnError) {
  EXPECT_THROW(load_zone_file(zone_path("no-such.zone"), "example.test."), zone_file_error);
}

TEST(ParseValues, ParsesAddressesForTheOwner) {
  auto rs = parse_values("demo.test.", "App.demo.test.", "A", 60, {"127.0.0.2", "127.0.0.3"});
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].owner, name_from_text("app.demo.test."));
  EXPECT_EQ(rs[0].type, 1);
  EXPECT_EQ(rs[0].ttl, 60u);
  EXPECT_EQ(rs[0].rdata, bytes({127, 0, 0, 2}));
  EXPECT_EQ(rs[1].rdata, bytes({127, 0, 0, 3}));
  EXPECT_EQ(rs[0].line, 0);
}

TEST(ParseValues, TxtKeepsItsQuotes) {
  auto rs = parse_values("demo.test.", "txt.demo.test.", "TXT", 30, {"\"hello world\""});
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].rdata, cat(bytes({11}), str_bytes("hello world")));
}

TEST(ParseValues, NamesAreRelativeToTheOrigin) {
  auto cname = parse_values("demo.test.", "www.demo.test.", "CNAME", 60, {"app"});
  EXPECT_EQ(cname.at(0).rdata, name_from_text("app.demo.test."));
  auto mx = parse_values("demo.test", "demo.test", "mx", 60, {"10 mail.other.test."});
  EXPECT_EQ(mx.at(0).rdata, cat(bytes({0, 10}), name_from_text("mail.other.test.")));
  EXPECT_EQ(mx.at(0).owner, name_from_text("demo.test."));
}

TEST(ParseValues, AcceptsRfc3597Values) {
  auto rs = parse_values("demo.test.", "x.demo.test.", "TYPE65534", 60, {"\\# 2 abcd"});
  EXPECT_EQ(rs.at(0).type, 65534);
  EXPECT_EQ(rs.at(0).rdata, bytes({0xab, 0xcd}));
}

TEST(ParseValues, RejectsBadValuesNamingValueAndExpectation) {
  try {
    parse_values("demo.test.", "app.demo.test.", "A", 60, {"127.0.0.2", "300.1.2.3"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'300.1.2.3'"));
    EXPECT_THAT(e.what(), HasSubstr("IPv4 address"));
  }
  try {
    parse_values("demo.test.", "app.demo.test.", "MX", 60, {"mail"});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("'mail'"));
    EXPECT_THAT(e.what(), HasSubstr("preference"));
  }
  EXPECT_THROW(parse_values("demo.test.", "a.demo.test.", "A", 60, {"1.2.3.4\nb A 1.2.3.5"}),
               std::invalid_argument);
  EXPECT_THROW(parse_values("demo.test.", "a.demo.test.", "A", 60, {""}), std::invalid_argument);
  EXPECT_THROW(parse_values("demo.test.", "a.demo.test.", "BOGUS", 60, {"1"}), std::invalid_argument);
  EXPECT_THROW(parse_values("demo.test.", "a.demo.test.", "ANY", 60, {"1"}), std::invalid_argument);
}

TEST(DomainNames, FromText) {
  EXPECT_EQ(name_from_text("www.Example."), cat(cat(bytes({3}), str_bytes("www")),
                                                cat(cat(bytes({7}), str_bytes("Example")), bytes({0}))));
  EXPECT_EQ(name_from_text("www.example"), name_from_text("www.example."));
  EXPECT_EQ(name_from_text("."), bytes({0}));
  EXPECT_EQ(name_from_text("a\\.b.test."), cat(cat(bytes({3}), str_bytes("a.b")),
                                               cat(cat(bytes({4}), str_bytes("test")), bytes({0}))));
  EXPECT_EQ(name_from_text("\\065\\032c."), cat(bytes({3}), cat(str_bytes("A c"), bytes({0}))));
  EXPECT_THROW(name_from_text("a..b."), std::invalid_argument);
  EXPECT_THROW(name_from_text(""), std::invalid_argument);
  EXPECT_THROW(name_from_text("\\256x."), std::invalid_argument);
  EXPECT_THROW(name_from_text("\\12"), std::invalid_argument);
  EXPECT_THROW(name_from_text(std::string(64, 'a') + "."), std::invalid_argument);
  std::string long_name;
  for (int i = 0; i < 26; ++i) long_name += "abcdefghi.";  // 260 bytes of wire
  EXPECT_THROW(name_from_text(long_name), std::invalid_argument);
  EXPECT_NO_THROW(name_from_text(std::string(63, 'a') + "."));
}

TEST(DomainNames, ToTextEscapesAndRoundTrips) {
  auto root = bytes({0});
  EXPECT_EQ(name_to_text(root.data(), root.size()), ".");
  for (const char* text : {"www.example.test.", "a\\.b.test.", "\\000\\255x.test.", "sp\\ ace\\;.t."}) {
    auto wire = name_from_text(text);
    EXPECT_EQ(name_to_text(wire.data(), wire.size()), text);
  }
  auto odd = cat(bytes({2, 'a', '.', 0}), {});
  EXPECT_EQ(name_to_text(odd.data(), odd.size()), "a\\..");
  auto cut = bytes({5, 'a', 'b'});  // truncated wire: stops, never reads past
  EXPECT_EQ(name_to_text(cut.data(), cut.size()), ".");
}

}  // namespace
}  // namespace hadns::zone
