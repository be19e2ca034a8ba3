// tests/engine/config/reload_diff_test.cc -- restart-only keys a reload
// reports, and check-definition equality.
#include <gtest/gtest.h>

#include "engine/config/loader.h"
#include "tests/engine/config/temp_config.h"

namespace hadns::config {
namespace {

using testing::yaml;

const char* const k_base = R"(
server:
  listen: [127.0.0.1:5353, "[::1]:5353"]
  shards: 2
control:
  listen: 127.0.0.1:8053
health_checks:
  a: { type: http, address: 10.0.0.1, interval: 1s }
  b: { type: tcp, address: 10.0.0.2, port: 22 }
)";

config load(const std::string& text) { return load_config_text(text, "/etc/hadns/h.yaml"); }

std::string edit(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

TEST(RestartOnlyChanges, NoneWhenOnlyReloadableKeysChange) {
  const config a = load(yaml(k_base));
  const config b = load(edit(yaml(k_base), "interval: 1s", "interval: 2s") + "  c: { type: tcp, address: 10.0.0.3, port: 1 }\n");
  EXPECT_TRUE(restart_only_changes(a, b).empty());
  EXPECT_TRUE(restart_only_changes(a, a).empty());
}

TEST(RestartOnlyChanges, ListsListenShardsUserAndControlListen) {
  const config a = load(yaml(k_base));
  EXPECT_EQ(restart_only_changes(a, load(edit(yaml(k_base), "5353, ", "5354, "))),
            std::vector<std::string>{"server.listen"});
  EXPECT_EQ(restart_only_changes(a, load(edit(yaml(k_base), "shards: 2", "shards: auto"))),
            std::vector<std::string>{"server.shards"});
  EXPECT_EQ(restart_only_changes(a, load(edit(yaml(k_base), "shards: 2", "shards: 2\n  user: nobody"))),
            std::vector<std::string>{"server.user"});
  EXPECT_EQ(restart_only_changes(a, load(edit(yaml(k_base), "listen: 127.0.0.1:8053", "listen: off"))),
            std::vector<std::string>{"control.listen"});
  const config all = load(edit(edit(edit(yaml(k_base), "listen: 127.0.0.1:8053", "listen: 127.0.0.1:8054"),
                                    "shards: 2", "shards: 3"),
                               "\"[::1]:5353\"", "\"[::1]:5354\""));
  EXPECT_EQ(restart_only_changes(a, all), (std::vector<std::string>{"server.listen", "server.shards", "control.listen"}));
}

TEST(RestartOnlyChanges, XdpIsRestartOnly) {
  const config a = load(yaml(k_base));
  const std::string with = edit(yaml(k_base), "shards: 2", "shards: 2\n  xdp: { interface: eth0 }");
  EXPECT_EQ(restart_only_changes(a, load(with)), std::vector<std::string>{"server.xdp"});
  EXPECT_TRUE(restart_only_changes(load(with), load(with)).empty());
  EXPECT_EQ(restart_only_changes(load(with), load(edit(with, "eth0 }", "eth0, mode: generic }"))),
            std::vector<std::string>{"server.xdp"});
}

TEST(RestartOnlyChanges, ComparesAddressesNotSpelling) {
  const config a = load(yaml(k_base));
  const config b = load(edit(yaml(k_base), "\"[::1]:5353\"", "\"[0::1]:5353\""));
  EXPECT_TRUE(restart_only_changes(a, b).empty());
}

TEST(SameDefinition, IgnoresPositionButSeesEveryOtherField) {
  const config a = load(yaml(k_base));
  const config moved = load("# a comment moves every line\n" + yaml(k_base));
  EXPECT_NE(a.checks.at("a").pos.line, moved.checks.at("a").pos.line);
  EXPECT_TRUE(same_definition(a.checks.at("a"), moved.checks.at("a")));
  EXPECT_FALSE(same_definition(a.checks.at("a"), a.checks.at("b")));

  const health_check base = a.checks.at("a");
  const auto differs = [&](auto change) {
    health_check c = base;
    change(c);
    return !same_definition(base, c);
  };
  EXPECT_TRUE(differs([](health_check& c) { c.type = check_type::https; }));
  EXPECT_TRUE(differs([](health_check& c) { c.address = "10.0.0.9"; }));
  EXPECT_TRUE(differs([](health_check& c) { c.port = 81; }));
  EXPECT_TRUE(differs([](health_check& c) { c.path = "/x"; }));
  EXPECT_TRUE(differs([](health_check& c) { c.host = "h"; }));
  EXPECT_TRUE(differs([](health_check& c) { c.search_string = "OK"; }));
  EXPECT_TRUE(differs([](health_check& c) { c.interval = millis{2000}; }));
  EXPECT_TRUE(differs([](health_check& c) { c.timeout = millis{200}; }));
  EXPECT_TRUE(differs([](health_check& c) { c.failure_threshold = 5; }));
  EXPECT_TRUE(differs([](health_check& c) { c.recovery_threshold = 5; }));
  EXPECT_TRUE(differs([](health_check& c) { c.invert = true; }));
  EXPECT_TRUE(differs([](health_check& c) { c.disabled = true; }));
  EXPECT_TRUE(differs([](health_check& c) { c.tls_verify = true; }));
  EXPECT_TRUE(differs([](health_check& c) { c.children = {"b"}; }));
  EXPECT_TRUE(differs([](health_check& c) { c.healthy_threshold = 0; }));
  EXPECT_FALSE(differs([](health_check& c) { c.pos = {"other.yaml", 99}; }));
}

}  // namespace
}  // namespace hadns::config
