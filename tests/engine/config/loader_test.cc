// tests/engine/config/loader_test.cc -- valid configs load with every value,
// default and absolute path right.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "engine/config/schema.h"
#include "tests/engine/config/temp_config.h"

namespace hadns::config {
namespace {

using testing::temp_dir;
using testing::yaml;

// design.md's schema block, made valid (token file written beside it).
const char* const k_full = R"(
server:
  listen: [127.0.0.1:5353, "[::1]:5353"]
  shards: auto
  edns_udp_size: 1232
  tcp_idle_timeout: 10s
  tcp_max_connections: 10000
  user: hadns
control:
  listen: 127.0.0.1:8053
  token_file: token
  state_file: hadns-state.json
health_checks:
  eu-web:
    type: http
    address: 127.0.0.2
    port: 8080
    path: /health
    host: app.demo.test
    search_string: OK
    interval: 1s
    timeout: 500ms
    failure_threshold: 3
    recovery_threshold: 2
    invert: false
    disabled: false
  us-web: { type: tcp, address: 127.0.0.3, port: 8080, interval: 1s }
  both-up:
    type: calculated
    children: [eu-web, us-web]
    healthy_threshold: 1
zones:
  - origin: demo.test.
    file: zones/demo.test.zone
    allow_from: [10.0.0.0/8]
    failover:
      - name: app
        type: A
        ttl: 60
        primary:   { values: [127.0.0.2], health_check: eu-web }
        secondary: { values: [127.0.0.3], health_check: us-web }
        failback_delay: 0s
        both_unhealthy: primary
)";

TEST(LoadConfig, FullSchemaLoadsWithEveryValue) {
  temp_dir dir;
  dir.write("token", "  s3cret\n");
  const std::string path = dir.write("hadns.yaml", yaml(k_full));
  const config c = load_config(path);
  const std::string d = dir.path().string();

  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.dir, d);
  ASSERT_EQ(c.server.listen.size(), 2u);
  EXPECT_EQ(c.server.listen[0].family, AF_INET);
  EXPECT_EQ(c.server.listen[0].port, 5353);
  EXPECT_EQ(c.server.listen[1].family, AF_INET6);
  EXPECT_EQ(c.server.listen[1].text, "[::1]:5353");
  EXPECT_EQ(c.server.shards, 0);
  EXPECT_EQ(c.server.edns_udp_size, 1232);
  EXPECT_EQ(c.server.tcp_idle_timeout, millis{10000});
  EXPECT_EQ(c.server.tcp_max_connections, 10000u);
  EXPECT_EQ(c.server.user, "hadns");

  ASSERT_TRUE(c.control.listen.has_value());
  EXPECT_EQ(c.control.listen->port, 8053);
  EXPECT_EQ(c.control.token_file, d + "/token");
  EXPECT_EQ(c.control.token, "s3cret");
  EXPECT_EQ(c.control.state_file, d + "/hadns-state.json");

  ASSERT_EQ(c.checks.size(), 3u);
  const health_check& eu = c.checks.at("eu-web");
  EXPECT_EQ(eu.name, "eu-web");
  EXPECT_EQ(eu.type, check_type::http);
  EXPECT_EQ(eu.address, "127.0.0.2");
  EXPECT_EQ(eu.port, 8080);
  EXPECT_EQ(eu.path, "/health");
  EXPECT_EQ(eu.host, "app.demo.test");
  EXPECT_EQ(eu.search_string, "OK");
  EXPECT_EQ(eu.interval, millis{1000});
  EXPECT_EQ(eu.timeout, millis{500});
  EXPECT_EQ(eu.failure_threshold, 3);
  EXPECT_EQ(eu.recovery_threshold, 2);
  EXPECT_FALSE(eu.invert);
  EXPECT_FALSE(eu.disabled);
  EXPECT_EQ(eu.pos.file, path);
  EXPECT_EQ(eu.pos.line, 13);

  const health_check& us = c.checks.at("us-web");
  EXPECT_EQ(us.type, check_type::tcp);
  EXPECT_EQ(us.port, 8080);
  EXPECT_EQ(us.timeout, millis{1000});  // min(interval, 4s)
  EXPECT_EQ(us.recovery_threshold, 3);  // = failure_threshold
  EXPECT_EQ(us.pos.line, 26);

  const health_check& both = c.checks.at("both-up");
  EXPECT_EQ(both.type, check_type::calculated);
  EXPECT_EQ(both.children, (std::vector<std::string>{"eu-web", "us-web"}));
  EXPECT_EQ(both.healthy_threshold, 1);

  ASSERT_EQ(c.zones.size(), 1u);
  const zone_config& z = c.zones[0];
  EXPECT_EQ(z.origin, "demo.test.");
  EXPECT_EQ(z.file, d + "/zones/demo.test.zone");
  ASSERT_EQ(z.allow_from.size(), 1u);
  EXPECT_EQ(z.allow_from[0].text, "10.0.0.0/8");
  EXPECT_EQ(z.allow_from[0].family, AF_INET);
  EXPECT_EQ(z.pos.line, 32);
  ASSERT_EQ(z.failover.size(), 1u);
  const failover_record& r = z.failover[0];
  EXPECT_EQ(r.name, "app.demo.test.");
  EXPECT_EQ(r.type, "A");
  EXPECT_EQ(r.qtype, 1);
  EXPECT_EQ(r.ttl, 60u);
  EXPECT_EQ(r.primary.values, (std::vector<std::string>{"127.0.0.2"}));
  EXPECT_EQ(r.primary.health_check, "eu-web");
  EXPECT_EQ(r.primary.pos.line, 39);
  EXPECT_EQ(r.secondary.values, (std::vector<std::string>{"127.0.0.3"}));
  EXPECT_EQ(r.secondary.health_check, "us-web");
  EXPECT_EQ(r.secondary.pos.line, 40);
  EXPECT_EQ(r.failback_delay, millis{0});
  EXPECT_EQ(r.both_unhealthy, both_policy::primary);
  EXPECT_EQ(r.pos.line, 36);
  EXPECT_EQ(r.pos.file, path);
}

TEST(LoadConfig, XdpIsOffUnlessAsked) {
  const config off = load_config_text("server: { listen: [127.0.0.1:53] }\n", "/etc/hadns/test.yaml");
  EXPECT_FALSE(off.server.xdp.has_value());
  const config c = load_config_text(yaml(R"(
server:
  listen: [127.0.0.1:53]
  xdp:
    interface: eth1
)"), "/etc/hadns/test.yaml");
  ASSERT_TRUE(c.server.xdp.has_value());
  EXPECT_EQ(c.server.xdp->interface, "eth1");
  EXPECT_EQ(c.server.xdp->queues, 0) << "auto";
  EXPECT_EQ(c.server.xdp->mode, xdp_mode::auto_mode);
  EXPECT_EQ(c.server.xdp->zero_copy, xdp_zero_copy::auto_mode);
  const config d = load_config_text(yaml(R"(
server:
  listen: [127.0.0.1:53]
  xdp: { interface: veth0, queues: 2, mode: generic, zero_copy: false }
)"), "/etc/hadns/test.yaml");
  EXPECT_EQ(d.server.xdp->queues, 2);
  EXPECT_EQ(d.server.xdp->mode, xdp_mode::generic);
  EXPECT_EQ(d.server.xdp->zero_copy, xdp_zero_copy::off);
}

TEST(LoadConfig, MinimalConfigGetsEveryDefault) {
  const config c = load_config_text(yaml(R"(
server:
  listen: [127.0.0.1:53]
health_checks:
  web: { type: http, address: 192.0.2.1 }
  tls: { type: https, address: "2001:db8::1" }
  calc: { type: calculated, children: [web, tls] }
zones:
  - origin: Example.TEST
    file: /srv/zones/example.zone
    failover:
      - name: www.example.test.
        type: txt
        primary: { values: ['"a"'], health_check: calc }
        secondary: { values: ['"b"'] }
)"),
                                     "/etc/hadns/hadns.yaml");
  EXPECT_EQ(c.path, "/etc/hadns/hadns.yaml");
  EXPECT_EQ(c.dir, "/etc/hadns");
  EXPECT_EQ(c.server.shards, 0);
  EXPECT_EQ(c.server.edns_udp_size, 1232);
  EXPECT_EQ(c.server.tcp_idle_timeout, millis{10000});
  EXPECT_EQ(c.server.tcp_max_connections, 10000u);
  EXPECT_EQ(c.server.user, "");
  ASSERT_TRUE(c.control.listen.has_value());
  EXPECT_EQ(c.control.listen->text, "127.0.0.1:8053");
  EXPECT_EQ(c.control.listen->port, 8053);
  EXPECT_EQ(c.control.token_file, "");
  EXPECT_EQ(c.control.token, "");
  EXPECT_EQ(c.control.state_file, "/etc/hadns/hadns-state.json");

  const health_check& web = c.checks.at("web");
  EXPECT_EQ(web.port, 80);
  EXPECT_EQ(web.path, "/");
  EXPECT_EQ(web.host, "");
  EXPECT_EQ(web.interval, millis{10000});
  EXPECT_EQ(web.timeout, millis{4000});
  EXPECT_EQ(web.failure_threshold, 3);
  EXPECT_EQ(web.recovery_threshold, 3);
  EXPECT_FALSE(web.tls_verify);
  const health_check& tls = c.checks.at("tls");
  EXPECT_EQ(tls.port, 443);
  EXPECT_EQ(tls.address, "2001:db8::1");
  EXPECT_EQ(c.checks.at("calc").healthy_threshold, 2);  // all children

  const zone_config& z = c.zones.at(0);
  EXPECT_EQ(z.origin, "example.test.");
  EXPECT_EQ(z.file, "/srv/zones/example.zone");
  EXPECT_TRUE(z.allow_from.empty());
  const failover_record& r = z.failover.at(0);
  EXPECT_EQ(r.name, "www.example.test.");
  EXPECT_EQ(r.type, "TXT");
  EXPECT_EQ(r.qtype, 16);
  EXPECT_EQ(r.ttl, 60u);
  EXPECT_EQ(r.primary.values, (std::vector<std::string>{"\"a\""}));
  EXPECT_EQ(r.secondary.health_check, "");
  EXPECT_EQ(r.failback_delay, millis{0});
  EXPECT_EQ(r.both_unhealthy, both_policy::primary);
}

TEST(LoadConfig, ReadsNonDefaultChoices) {
  const config c = load_config_text(yaml(R"(
server: { listen: ["[::]:53"], shards: 4 }
control: { listen: off }
health_checks:
  slow: { type: http, address: 10.0.0.1, interval: 2m, invert: true, disabled: yes }
  tls: { type: https, address: 10.0.0.2, tls_verify: true, interval: 100ms }
zones:
  - origin: a.test.
    file: a.zone
    allow_from: ["2001:db8::/32", 192.168.0.0/16]
    failover:
      - name: "@"
        type: TYPE65280
        primary: { values: ['\# 0'], health_check: slow }
        secondary: { values: ['\# 0'] }
        failback_delay: 5m
        both_unhealthy: servfail
      - name: x
        type: AAAA
        ttl: 0
        primary: { values: ["2001:db8::1"], health_check: tls }
        secondary: { values: ["2001:db8::2"] }
        both_unhealthy: secondary
)"),
                                     "rel/dir/h.yaml");
  EXPECT_EQ(c.server.shards, 4);
  EXPECT_EQ(c.server.listen.at(0).family, AF_INET6);
  EXPECT_FALSE(c.control.listen.has_value());
  EXPECT_TRUE(c.path.front() == '/') << "path made absolute: " << c.path;
  EXPECT_EQ(c.zones[0].file, c.dir + "/a.zone");
  EXPECT_EQ(c.checks.at("slow").interval, millis{120000});
  EXPECT_EQ(c.checks.at("slow").timeout, millis{4000});
  EXPECT_TRUE(c.checks.at("slow").invert);
  EXPECT_TRUE(c.checks.at("slow").disabled);
  EXPECT_TRUE(c.checks.at("tls").tls_verify);
  EXPECT_EQ(c.checks.at("tls").timeout, millis{100});
  EXPECT_EQ(c.zones[0].allow_from[0].text, "2001:db8::/32");
  EXPECT_EQ(c.zones[0].allow_from[1].text, "192.168.0.0/16");
  const failover_record& apex = c.zones[0].failover[0];
  EXPECT_EQ(apex.name, "a.test.");
  EXPECT_EQ(apex.type, "TYPE65280");
  EXPECT_EQ(apex.qtype, 65280);
  EXPECT_EQ(apex.failback_delay, millis{300000});
  EXPECT_EQ(apex.both_unhealthy, both_policy::servfail);
  EXPECT_EQ(c.zones[0].failover[1].name, "x.a.test.");
  EXPECT_EQ(c.zones[0].failover[1].ttl, 0u);
  EXPECT_EQ(c.zones[0].failover[1].both_unhealthy, both_policy::secondary);
}

TEST(LoadConfig, SplitHorizonSameOriginDifferentPrefixesLoads) {
  const config c = load_config_text(yaml(R"(
server: { listen: [127.0.0.1:53] }
zones:
  - { origin: corp.test., file: public.zone }
  - { origin: corp.test., file: private.zone, allow_from: [10.0.0.0/8] }
  - { origin: corp.test., file: lab.zone, allow_from: [10.1.0.0/16] }
)"),
                                     "/h.yaml");
  EXPECT_EQ(c.zones.size(), 3u);
}

TEST(LoadConfig, ExampleConfigLoadsAndAnnotatesEveryKey) {
  const std::string path = std::string(HADNS_SOURCE_DIR) + "/conf/example.yaml";
  const config c = load_config(path);
  EXPECT_FALSE(c.checks.empty());
  EXPECT_FALSE(c.zones.empty());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  for (const key_spec& k : schema())
    EXPECT_NE(ss.str().find(std::string(k.key) + ":"), std::string::npos) << "conf/example.yaml lacks " << k.key;
}

TEST(LoadConfig, ReadsTheFileFromDisk) {
  temp_dir dir;
  const std::string path = dir.write("sub/h.yaml", "server: { listen: [127.0.0.1:53] }\ncontrol: { state_file: ../state/s.json }\n");
  const config c = load_config(path);
  EXPECT_EQ(c.control.state_file, (dir.path() / "state/s.json").string());
}

}  // namespace
}  // namespace hadns::config
