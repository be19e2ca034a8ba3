// tests/probes/from_config_test.cc -- configured checks become check specs.
#include "probes/from_config.h"

#include <gtest/gtest.h>

namespace hadns::probes {
namespace {

TEST(FromConfig, CopiesEveryKey) {
  config::health_check c;
  c.name = "eu-web";
  c.type = config::check_type::https;
  c.address = "127.0.0.2";
  c.port = 8443;
  c.path = "/health";
  c.host = "app.demo.test";
  c.search_string = "OK";
  c.interval = std::chrono::milliseconds(1000);
  c.timeout = std::chrono::milliseconds(500);
  c.failure_threshold = 2;
  c.recovery_threshold = 4;
  c.invert = true;
  c.disabled = true;
  c.tls_verify = true;
  check_spec s = spec_from_config(c);
  EXPECT_EQ(s.name, "eu-web");
  EXPECT_EQ(s.type, check_type::https);
  EXPECT_EQ(s.address, "127.0.0.2");
  EXPECT_EQ(s.port, 8443);
  EXPECT_EQ(s.path, "/health");
  EXPECT_EQ(s.host, "app.demo.test");
  EXPECT_EQ(s.search_string, "OK");
  EXPECT_EQ(s.interval.count(), 1000);
  EXPECT_EQ(s.timeout.count(), 500);
  EXPECT_EQ(s.failure_threshold, 2);
  EXPECT_EQ(s.recovery_threshold, 4);
  EXPECT_TRUE(s.invert);
  EXPECT_TRUE(s.disabled);
  EXPECT_TRUE(s.tls_verify);
}

TEST(FromConfig, DefaultPortsAndCalculatedChildren) {
  config::config cfg;
  config::health_check web;
  web.name = "web";
  web.type = config::check_type::https;
  config::health_check both;
  both.name = "both";
  both.type = config::check_type::calculated;
  both.children = {"web"};
  both.healthy_threshold = 1;
  cfg.checks = {{"web", web}, {"both", both}};
  std::vector<check_spec> specs = specs_from_config(cfg);
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "both");
  EXPECT_EQ(specs[0].type, check_type::calculated);
  EXPECT_EQ(specs[0].children, std::vector<std::string>{"web"});
  EXPECT_EQ(specs[0].healthy_threshold, 1);
  EXPECT_EQ(specs[1].port, 443);
  EXPECT_EQ(policy_from_config(config::both_policy::servfail), live::both_unhealthy_policy::servfail);
}

}  // namespace
}  // namespace hadns::probes
