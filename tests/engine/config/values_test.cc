// tests/engine/config/values_test.cc -- durations, endpoints, prefixes,
// names and type mnemonics as the config file writes them.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/config/dns_text.h"
#include "engine/config/values.h"

namespace hadns::config {
namespace {

TEST(Durations, ParsesEachUnit) {
  EXPECT_EQ(parse_duration("250ms"), millis{250});
  EXPECT_EQ(parse_duration("10s"), millis{10000});
  EXPECT_EQ(parse_duration("2m"), millis{120000});
  EXPECT_EQ(parse_duration("1h"), millis{3600000});
  EXPECT_EQ(parse_duration("0s"), millis{0});
}

TEST(Durations, RejectsMissingUnitSpacesSignsAndJunk) {
  for (const char* bad : {"", "10", "s", "10 s", "-1s", "1.5s", "10sec", "10S", "1d", "ms10", "99999999999999999999ms"})
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << bad;
}

TEST(Durations, FormatsTheShortestExactSpelling) {
  EXPECT_EQ(format_duration(millis{250}), "250ms");
  EXPECT_EQ(format_duration(millis{1500}), "1500ms");
  EXPECT_EQ(format_duration(millis{10000}), "10s");
  EXPECT_EQ(format_duration(millis{120000}), "2m");
  EXPECT_EQ(format_duration(millis{7200000}), "2h");
  EXPECT_EQ(format_duration(millis{0}), "0s");
}

TEST(Endpoints, ParsesIpv4AndBracketedIpv6) {
  const endpoint v4 = parse_endpoint("127.0.0.1:5353");
  EXPECT_EQ(v4.family, AF_INET);
  EXPECT_EQ(v4.port, 5353);
  EXPECT_EQ(v4.addr[0], 127);
  EXPECT_EQ(v4.addr[3], 1);
  EXPECT_EQ(v4.text, "127.0.0.1:5353");

  const endpoint v6 = parse_endpoint("[::1]:53");
  EXPECT_EQ(v6.family, AF_INET6);
  EXPECT_EQ(v6.port, 53);
  EXPECT_EQ(v6.addr[15], 1);
  EXPECT_EQ(v6.addr[0], 0);
}

TEST(Endpoints, RejectsMissingPortBadPortAndUnbracketedIpv6) {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "::1:53",
                          "[::1]", "[::1]53", "[127.0.0.1]:53", "localhost:53", "[fe80::1%eth0]:53", ""})
    EXPECT_THROW(parse_endpoint(bad), std::invalid_argument) << bad;
}

TEST(Prefixes, ParsesAndCanonicalises) {
  const prefix v4 = parse_prefix("10.0.0.0/8");
  EXPECT_EQ(v4.family, AF_INET);
  EXPECT_EQ(v4.length, 8);
  EXPECT_EQ(v4.text, "10.0.0.0/8");

  const prefix v6 = parse_prefix("2001:DB8:0::/32");
  EXPECT_EQ(v6.family, AF_INET6);
  EXPECT_EQ(v6.length, 32);
  EXPECT_EQ(v6.text, "2001:db8::/32");

  EXPECT_EQ(parse_prefix("192.0.2.7").text, "192.0.2.7/32");
  EXPECT_EQ(parse_prefix("::1").text, "::1/128");
  EXPECT_EQ(parse_prefix("0.0.0.0/0").text, "0.0.0.0/0");
}

TEST(Prefixes, StoresIpv4MappedPrefixAsIpv4) {
  const prefix p = parse_prefix("::ffff:10.0.0.0/104");
  EXPECT_EQ(p.family, AF_INET);
  EXPECT_EQ(p.length, 8);
  EXPECT_EQ(p.text, "10.0.0.0/8");
}

// /96 is every IPv4 client, and says so in its text; shorter than /96 is an
// error that asks for the IPv4 prefix instead.
TEST(Prefixes, Ipv4MappedPrefixShorterThan96IsAnError) {
  EXPECT_EQ(parse_prefix("::ffff:0:0/96").text, "0.0.0.0/0");
  EXPECT_EQ(parse_prefix("::ffff:192.0.2.1/128").text, "192.0.2.1/32");
  for (const char* bad : {"::ffff:0:0/95", "::ffff:0:0/80", "::ffff:10.0.0.0/88", "::ffff:0:0/0"}) {
    try {
      parse_prefix(bad);
      ADD_FAILURE() << bad << ": no error";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("write the IPv4 prefix instead"), std::string::npos) << bad << ": " << e.what();
    }
  }
}

TEST(Prefixes, RejectsHostBitsAndNamesTheIntendedPrefix) {
  try {
    parse_prefix("10.1.0.0/8");
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.0.0.0/8"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_prefix("2001:db8::1/32"), std::invalid_argument);
  EXPECT_THROW(parse_prefix("10.0.0.1/31"), std::invalid_argument);
}

TEST(Prefixes, RejectsBadSyntax) {
  for (const char* bad : {"", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/8x", "/8", "net/8"})
    EXPECT_THROW(parse_prefix(bad), std::invalid_argument) << bad;
}

TEST(Prefixes, ContainsAddressesInsideOnly) {
  const prefix p = parse_prefix("10.128.0.0/9");
  uint8_t in[4] = {10, 200, 1, 1};
  uint8_t out[4] = {10, 100, 1, 1};
  EXPECT_TRUE(prefix_contains(p, AF_INET, in));
  EXPECT_FALSE(prefix_contains(p, AF_INET, out));
  uint8_t v6[16] = {10, 200};
  EXPECT_FALSE(prefix_contains(p, AF_INET6, v6));
}

TEST(IpAddresses, AcceptsBothFamiliesOnly) {
  EXPECT_TRUE(is_ip_address("127.0.0.2"));
  EXPECT_TRUE(is_ip_address("2001:db8::2"));
  EXPECT_FALSE(is_ip_address("127.0.0.2:80"));
  EXPECT_FALSE(is_ip_address("app.demo.test"));
  EXPECT_FALSE(is_ip_address(""));
}

TEST(Names, NormalisesOrigins) {
  EXPECT_EQ(normalize_origin("Demo.TEST."), "demo.test.");
  EXPECT_EQ(normalize_origin("demo.test"), "demo.test.");
  EXPECT_EQ(normalize_origin("."), ".");
  EXPECT_THROW(normalize_origin("a..b."), std::invalid_argument);
  EXPECT_THROW(normalize_origin(std::string(64, 'a') + "."), std::invalid_argument);
  EXPECT_THROW(normalize_origin("has space.test."), std::invalid_argument);
}

TEST(Names, ResolvesRelativeAbsoluteAndApex) {
  EXPECT_EQ(absolute_name("App", "demo.test."), "App.demo.test.");
  EXPECT_EQ(absolute_name("www.App.Demo.Test.", "demo.test."), "www.App.Demo.Test.");
  EXPECT_EQ(absolute_name("@", "demo.test."), "demo.test.");
  EXPECT_EQ(absolute_name("app", "."), "app.");
  EXPECT_THROW(absolute_name("app.other.test.", "demo.test."), std::invalid_argument);
  EXPECT_THROW(absolute_name("xdemo.test.", "demo.test."), std::invalid_argument);
  EXPECT_TRUE(is_at_or_below("a.DEMO.test.", "demo.test."));
  EXPECT_FALSE(is_at_or_below("a\\.demo.test.", "demo.test."));  // one label "a.demo"
}

TEST(Types, ParsesMnemonicsCaseInsensitivelyAndGenericForms) {
  std::string name;
  EXPECT_EQ(parse_rr_type("a", name), 1);
  EXPECT_EQ(name, "A");
  EXPECT_EQ(parse_rr_type("Txt", name), 16);
  EXPECT_EQ(name, "TXT");
  EXPECT_EQ(parse_rr_type("TYPE65280", name), 65280);
  EXPECT_EQ(name, "TYPE65280");
  EXPECT_EQ(parse_rr_type("type1", name), 1);
  EXPECT_EQ(name, "A");
}

TEST(Types, RejectsUnknownMetaAndZeroTypes) {
  std::string name;
  for (const char* bad : {"", "BOGUS", "ANY", "AXFR", "OPT", "TYPE0", "TYPE65536"})
    EXPECT_THROW(parse_rr_type(bad, name), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace hadns::config
