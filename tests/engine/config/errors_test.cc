// tests/engine/config/errors_test.cc -- every kind of config mistake is a
// config_error naming file, line and dotted key, and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/engine/config/temp_config.h"

namespace hadns::config {
namespace {

using ::testing::HasSubstr;
using testing::error_of;
using testing::temp_dir;
using testing::yaml;

const char* const k_file = "/etc/hadns/test.yaml";

// Asserts that `text` fails at `line` on `key` with a message containing `what`.
void expect_error(const std::string& text, int line, const std::string& key, const std::string& what) {
  const auto e = error_of(text, k_file);
  ASSERT_TRUE(e.has_value()) << "loaded without error:\n" << text;
  EXPECT_EQ(e->file(), k_file);
  EXPECT_EQ(e->line(), line) << e->what();
  EXPECT_EQ(e->key(), key) << e->what();
  EXPECT_THAT(e->message(), HasSubstr(what));
  EXPECT_THAT(std::string(e->what()), HasSubstr(std::string(k_file) + ":" + std::to_string(line) + ": " + key));
}

TEST(ConfigErrors, YamlSyntaxError) {
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53
zones: []
)"),
               3, "(syntax)", "YAML syntax error");
}

TEST(ConfigErrors, UnknownKeyListsTheKnownOnes) {
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  eu-web:
    type: http
    address: 127.0.0.2
    pth: /health
)"),
               7, "health_checks.eu-web.pth", "unknown key 'pth'; expected one of: type, address, port, path");
  expect_error("server: { listen: [127.0.0.1:53] }\nzone: []\n", 2, "zone", "expected one of: server, control, health_checks, zones");
}

TEST(ConfigErrors, WrongType) {
  expect_error(yaml(R"(
server:
  listen: 127.0.0.1:53
)"),
               2, "server.listen", "expected a non-empty list of IPv4:port or [IPv6]:port, got '127.0.0.1:53'");
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  a: { type: http, address: 10.0.0.1, invert: maybe }
)"),
               4, "health_checks.a.invert", "expected true or false");
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
  edns_udp_size: [1232]
)"),
               3, "server.edns_udp_size", "expected an integer 512..4096, got a list");
  expect_error("server:\n  listen:\n", 2, "server.listen", "got nothing");
}

TEST(ConfigErrors, ValueOutOfRange) {
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  a:
    type: tcp
    address: 10.0.0.1
    port: 22
    failure_threshold: 11
)"),
               8, "health_checks.a.failure_threshold", "out of range: expected an integer 1..10, got 11");
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  a:
    type: tcp
    address: 10.0.0.1
    port: 22
    interval: 50ms
)"),
               8, "health_checks.a.interval", "expected a duration 100ms..5m");
  expect_error("server:\n  listen: [127.0.0.1:53]\n  shards: 0\n", 3, "server.shards", "auto or an integer 1..1024");
  expect_error("server:\n  listen: [127.0.0.1:53]\n  edns_udp_size: 100\n", 3, "server.edns_udp_size", "512..4096");
}

TEST(ConfigErrors, DuplicateYamlKey) {
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  a:
    type: http
    address: 10.0.0.1
    interval: 1s
    interval: 2s
)"),
               8, "health_checks.a.interval", "duplicate key (first at line 7)");
  expect_error(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  a: { type: http, address: 10.0.0.1 }
  a: { type: tcp, address: 10.0.0.1, port: 1 }
)"),
               5, "health_checks.a", "duplicate key (first at line 4)");
  expect_error("server: { listen: [127.0.0.1:53] }\nserver: { listen: [127.0.0.1:54] }\n", 2, "server", "duplicate key");
}

TEST(ConfigErrors, KeyNotApplicableToCheckType) {
  const std::string head = "server: { listen: [127.0.0.1:53] }\nhealth_checks:\n  b: { type: tcp, address: 10.0.0.2, port: 1 }\n";
  expect_error(head + "  a:\n    type: tcp\n    address: 10.0.0.1\n    port: 80\n    path: /x\n", 8,
               "health_checks.a.path", "'path' does not apply to tcp checks; it applies to http, https");
  expect_error(head + "  a:\n    type: calculated\n    children: [b]\n    address: 10.0.0.1\n", 7,
               "health_checks.a.address", "'address' does not apply to calculated checks");
  expect_error(head + "  a:\n    type: http\n    address: 10.0.0.1\n    tls_verify: true\n", 7,
               "health_checks.a.tls_verify", "it applies to https");
  expect_error(head + "  a:\n    type: http\n    address: 10.0.0.1\n    children: [b]\n", 7,
               "health_checks.a.children", "'children' does not apply to http checks");
  expect_error(head + "  a:\n    type: calculated\n    children: [b]\n    interval: 1s\n", 7,
               "health_checks.a.interval", "does not apply to calculated checks");
  // invert swaps probe results before the thresholds count them; a
  // calculated check has neither.
  expect_error(head + "  a:\n    type: calculated\n    children: [b]\n    invert: true\n", 7,
               "health_checks.a.invert", "does not apply to calculated checks");
}

TEST(ConfigErrors, MissingRequiredKey) {
  const std::string head = "server: { listen: [127.0.0.1:53] }\nhealth_checks:\n";
  expect_error(head + "  a:\n    type: tcp\n    address: 10.0.0.1\n", 3, "health_checks.a.port",
               "missing required key 'port' for tcp checks");
  expect_error(head + "  a:\n    type: tcp\n    port: 22\n", 3, "health_checks.a.address",
               "missing required key 'address'");
  expect_error(head + "  a:\n    type: calculated\n", 3, "health_checks.a.children",
               "missing required key 'children' for calculated checks");
  expect_error(head + "  a:\n    address: 10.0.0.1\n", 3, "health_checks.a.type",
               "missing required key 'type'; expected one of http|https|tcp|calculated");
  expect_error("control: { listen: off }\n", 1, "server", "missing required key 'server'");
  expect_error("server: {}\n", 1, "server.listen", "missing required key 'listen'");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - origin: a.test.
    failover: []
)"),
               3, "zones[0].file", "missing required key 'file'");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
health_checks: { c: { type: tcp, address: 10.0.0.1, port: 1 } }
zones:
  - origin: a.test.
    file: a.zone
    failover:
      - name: app
        type: A
        primary: { values: [10.0.0.1], health_check: c }
)"),
               7, "zones[0].failover[0].secondary", "missing required key 'secondary'");
}

TEST(ConfigErrors, TimeoutAboveInterval) {
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
health_checks:
  eu-web:
    type: http
    address: 127.0.0.2
    interval: 1s
    timeout: 2s
)"),
               7, "health_checks.eu-web.timeout", "timeout 2s is above the interval 1s; expected at most the interval");
}

const char* const k_failover_head = R"(
server: { listen: [127.0.0.1:53] }
health_checks:
  c: { type: tcp, address: 10.0.0.1, port: 1 }
zones:
  - origin: a.test.
    file: a.zone
    failover:
      - name: app
        type: A
        primary: { values: [10.0.0.1], health_check: c }
        secondary: { values: [10.0.0.2] }
)";

TEST(ConfigErrors, PrimaryWithoutHealthCheck) {
  expect_error(yaml(k_failover_head) + yaml(R"(
      - name: www
        type: A
        primary:
          values: [10.0.0.1]
        secondary: { values: [10.0.0.2] }
)"),
               14, "zones[0].failover[1].primary", "a primary needs a health_check");
}

TEST(ConfigErrors, HealthCheckNotDefined) {
  expect_error(yaml(k_failover_head) + yaml(R"(
      - name: www
        type: A
        primary: { values: [10.0.0.1], health_check: c }
        secondary:
          values: [10.0.0.2]
          health_check: nope
)"),
               17, "zones[0].failover[1].secondary.health_check", "no health check named 'nope' is defined");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
health_checks:
  a: { type: tcp, address: 10.0.0.1, port: 1 }
  calc:
    type: calculated
    children:
      - a
      - missing
)"),
               8, "health_checks.calc.children[1]", "no health check named 'missing' is defined");
}

TEST(ConfigErrors, CycleOfCalculatedChecks) {
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
health_checks:
  leaf: { type: tcp, address: 10.0.0.1, port: 1 }
  a: { type: calculated, children: [leaf, b] }
  b: { type: calculated, children: [c] }
  c: { type: calculated, children: [a] }
)"),
               6, "health_checks.c.children[0]", "cycle of calculated checks: a -> b -> c -> a");
  expect_error("server: { listen: [127.0.0.1:53] }\nhealth_checks:\n  self: { type: calculated, children: [self] }\n", 3,
               "health_checks.self.children[0]", "cycle of calculated checks: self -> self");
}

TEST(ConfigErrors, MissingOrEmptyTokenFile) {
  temp_dir dir;
  const std::string text = "server: { listen: [127.0.0.1:53] }\ncontrol:\n  listen: 127.0.0.1:8053\n  token_file: token\n";
  const std::string path = dir.write("h.yaml", text);
  const auto missing = error_of(text, path);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->file(), path);
  EXPECT_EQ(missing->line(), 4);
  EXPECT_EQ(missing->key(), "control.token_file");
  EXPECT_THAT(missing->message(), HasSubstr("cannot read token file " + (dir.path() / "token").string()));

  dir.write("token", " \n");
  const auto empty = error_of(text, path);
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->line(), 4);
  EXPECT_THAT(empty->message(), HasSubstr("is empty"));

  dir.write("token", "abc\n");
  EXPECT_FALSE(error_of(text, path).has_value());
}

TEST(ConfigErrors, SameOriginAndPrefixTwice) {
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - origin: corp.test.
    file: a.zone
    allow_from: [10.0.0.0/8]
  - origin: CORP.test
    file: b.zone
    allow_from:
      - 192.168.0.0/16
      - 10.0.0.0/8
)"),
               10, "zones[1].allow_from[1]", "zone corp.test. with allow_from 10.0.0.0/8 is already defined at line 5");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - origin: corp.test.
    file: a.zone
  - origin: corp.test.
    file: b.zone
)"),
               5, "zones[1].origin", "public zone corp.test. is already defined at line 3");
}

TEST(ConfigErrors, HealthyThresholdAboveChildren) {
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
health_checks:
  a: { type: tcp, address: 10.0.0.1, port: 1 }
  b: { type: tcp, address: 10.0.0.2, port: 1 }
  both:
    type: calculated
    children: [a, b]
    healthy_threshold: 3
)"),
               8, "health_checks.both.healthy_threshold", "expected 0..2 (the number of children), got 3");
}

TEST(ConfigErrors, BadDurationAddressAndPrefixSyntax) {
  const std::string head = "server: { listen: [127.0.0.1:53] }\nhealth_checks:\n";
  expect_error(head + "  a:\n    type: http\n    address: 10.0.0.1\n    interval: 10 s\n", 6, "health_checks.a.interval",
               "expected a duration 100ms..5m (like 250ms, 10s, 2m, 1h), got '10 s'");
  expect_error(head + "  a:\n    type: http\n    address: web.example\n", 5, "health_checks.a.address",
               "expected an IPv4 or IPv6 address (no port), got 'web.example'");
  expect_error(yaml(R"(
server:
  listen:
    - 127.0.0.1:53
    - ::1:53
)"),
               4, "server.listen[1]", "an IPv6 endpoint needs brackets: [IPv6]:port, got '::1:53'");
  expect_error("server:\n  listen:\n    - 127.0.0.1:53\n    - [::1]\n", 4, "server.listen[1]", "quote IPv6 endpoints");
  expect_error("server: { listen: [127.0.0.1:53] }\ncontrol: { listen: 'localhost:8053' }\n", 2, "control.listen",
               "expected IPv4:port or [IPv6]:port");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - origin: a.test.
    file: a.zone
    allow_from: [10.0.0.0/8, 10.1.0.0/8]
)"),
               5, "zones[0].allow_from[1]", "host bits set after the prefix length; did you mean 10.0.0.0/8?");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - origin: a.test.
    file: a.zone
    allow_from: [10.0.0.0/40]
)"),
               5, "zones[0].allow_from[0]", "expected a prefix like 10.0.0.0/8");
  expect_error(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - origin: a.test.
    file: a.zone
    allow_from: ["::ffff:0:0/95"]
)"),
               5, "zones[0].allow_from[0]", "write the IPv4 prefix instead");
}

TEST(ConfigErrors, SoaAndNsAreNotFailoverTypes) {
  std::string text = yaml(k_failover_head);
  text.replace(text.find("type: A"), 7, "type: soa");
  expect_error(text, 9, "zones[0].failover[0].type", "SOA cannot be a failover type");
  text.replace(text.find("type: soa"), 9, "type: NS");
  expect_error(text, 9, "zones[0].failover[0].type", "NS cannot be a failover type");
  text.replace(text.find("type: NS"), 8, "type: NOPE");
  expect_error(text, 9, "zones[0].failover[0].type", "expected a type mnemonic");
}

TEST(ConfigErrors, FailoverNameOutsideOriginOrTwice) {
  std::string text = yaml(k_failover_head);
  text.replace(text.find("name: app"), 9, "name: app.other.test.");
  expect_error(text, 8, "zones[0].failover[0].name", "expected a name at or below the origin a.test.");
  expect_error(yaml(k_failover_head) + yaml(R"(
      - name: APP.a.test.
        type: A
        primary: { values: [10.0.0.3], health_check: c }
        secondary: { values: [10.0.0.4] }
)"),
               12, "zones[0].failover[1]", "failover APP.a.test. A is already defined at line 8");
  // The same owner spelled with an escape is the same entry.
  expect_error(yaml(k_failover_head) + yaml(R"(
      - name: \065pp
        type: A
        primary: { values: [10.0.0.3], health_check: c }
        secondary: { values: [10.0.0.4] }
)"),
               12, "zones[0].failover[1]", "is already defined at line 8");
}

TEST(ConfigErrors, BadChoiceAndCheckName) {
  std::string text = yaml(k_failover_head) + "        both_unhealthy: nobody\n";
  expect_error(text, 12, "zones[0].failover[0].both_unhealthy", "expected one of primary|secondary|servfail, got 'nobody'");
  expect_error("server: { listen: [127.0.0.1:53] }\nhealth_checks:\n  'bad name': { type: http, address: 10.0.0.1 }\n", 3,
               "health_checks.bad name", "expected a check name");
  expect_error("server: { listen: [127.0.0.1:53] }\nhealth_checks:\n  a: { type: ftp, address: 10.0.0.1 }\n", 3,
               "health_checks.a.type", "expected one of http|https|tcp|calculated, got 'ftp'");
  expect_error("server: { listen: [127.0.0.1:53] }\nhealth_checks:\n  a: { type: http, address: 10.0.0.1, path: health }\n", 3,
               "health_checks.a.path", "expected a path starting with /");
}

TEST(ConfigErrors, UnreadableConfigFile) {
  temp_dir dir;
  const std::string path = (dir.path() / "absent.yaml").string();
  try {
    load_config(path);
    FAIL() << "no error";
  } catch (const config_error& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(e.key(), "(file)");
    EXPECT_THAT(e.message(), HasSubstr("cannot read the config file"));
  }
}

TEST(ConfigErrors, TopLevelMustBeAMap) {
  expect_error("- a\n- b\n", 1, "(top)", "expected a map of keys, got a list");
  expect_error("server: { listen: [127.0.0.1:53] }\n---\nserver: {}\n", 3, "(syntax)", "expected one YAML document");
}

TEST(ConfigErrors, XdpKeys) {
  const std::string head = "server:\n  listen: [127.0.0.1:53]\n  xdp:\n";
  expect_error(head + "    mode: native\n", 3, "server.xdp.interface", "missing required key 'interface'");
  expect_error(head + "    interface: eth0\n    mode: fast\n", 5, "server.xdp.mode", "one of auto|native|generic");
  expect_error(head + "    interface: eth0\n    queues: 0\n", 5, "server.xdp.queues", "auto or an integer 1..256");
  expect_error(head + "    interface: eth0\n    zero_copy: maybe\n", 5, "server.xdp.zero_copy", "one of auto|true|false");
  expect_error(head + "    interface: eth0\n    ring: 4\n", 5, "server.xdp.ring", "unknown key 'ring'");
}

}  // namespace
}  // namespace hadns::config
