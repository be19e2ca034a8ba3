// tests/engine/config/schema_test.cc -- the schema table is consistent: keys
// unique per section, static defaults valid, restart-only keys as designed.
#include <gtest/gtest.h>

#include <set>

#include "engine/config/loader.h"
#include "engine/config/schema.h"

namespace hadns::config {
namespace {

TEST(Schema, KeysAreUniquePerSection) {
  std::set<std::pair<section, std::string_view>> seen;
  for (const key_spec& k : schema()) EXPECT_TRUE(seen.emplace(k.where, k.key).second) << k.key;
}

TEST(Schema, RestartOnlyKeysAreListenShardsUserXdpAndControlListen) {
  std::set<std::string> restart;
  for (const key_spec& k : schema())
    if (k.restart_only) restart.insert((k.where == section::server ? "server." : "control.") + std::string(k.key));
  EXPECT_EQ(restart, (std::set<std::string>{"server.listen", "server.shards", "server.user", "server.xdp",
                                            "control.listen"}));
}

TEST(Schema, EveryLeafKeyHasASetterAndEveryNestedKeyNone) {
  for (const key_spec& k : schema()) {
    const bool nested = k.kind == value_kind::map || k.kind == value_kind::check_map ||
                        k.kind == value_kind::zone_list || k.kind == value_kind::failover_list;
    EXPECT_EQ(k.set == nullptr, nested) << k.key;
  }
}

TEST(Schema, HealthCheckKeysApplyWhereTheyAreRequired) {
  for (const key_spec* k : keys_of(section::health_check)) {
    EXPECT_EQ(k->required_for & ~k->applies_to, 0u) << k->key;
    EXPECT_NE(k->applies_to, 0u) << k->key;
  }
  EXPECT_EQ(find_key(section::health_check, "tls_verify")->applies_to, check_bit(check_type::https));
  EXPECT_EQ(find_key(section::health_check, "port")->required_for, check_bit(check_type::tcp));
  EXPECT_EQ(find_key(section::health_check, "children")->required_for, check_bit(check_type::calculated));
}

// Each static default is written in the key's own syntax: a config that
// spells every default out loads to the same values as one that omits them.
TEST(Schema, StaticDefaultsEqualTheirSpelledOutForm) {
  std::string explicit_server = "server:\n  listen: [127.0.0.1:53]\n";
  for (const key_spec* k : keys_of(section::server))
    if (!k->default_value.empty() && !k->computed_default)
      explicit_server += "  " + std::string(k->key) + ": " + std::string(k->default_value) + "\n";
  const config spelled = load_config_text(explicit_server, "/x/h.yaml");
  const config omitted = load_config_text("server:\n  listen: [127.0.0.1:53]\n", "/x/h.yaml");
  EXPECT_EQ(spelled.server.shards, omitted.server.shards);
  EXPECT_EQ(spelled.server.edns_udp_size, omitted.server.edns_udp_size);
  EXPECT_EQ(spelled.server.tcp_idle_timeout, omitted.server.tcp_idle_timeout);
  EXPECT_EQ(spelled.server.tcp_max_connections, omitted.server.tcp_max_connections);
  EXPECT_GT(explicit_server.size(), 60u);
}

TEST(Schema, ExpectedTextDescribesRanges) {
  EXPECT_EQ(expected_text(*find_key(section::health_check, "failure_threshold")), "an integer 1..10");
  EXPECT_EQ(expected_text(*find_key(section::health_check, "interval")), "a duration 100ms..5m (like 250ms, 10s, 2m, 1h)");
  EXPECT_EQ(expected_text(*find_key(section::server, "shards")), "auto or an integer 1..1024");
  EXPECT_EQ(check_types_text(k_http_like), "http, https");
}

}  // namespace
}  // namespace hadns::config
