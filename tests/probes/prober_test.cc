// tests/probes/prober_test.cc -- the prober against real local backends:
// HTTP, HTTPS, TCP, hung targets, and real failover slots flipping.
#include "probes/prober.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probes/state_file.h"
#include "tests/probes/fake_clock.h"
#include "tests/probes/test_backend.h"

namespace hadns::probes {
namespace {

using namespace std::chrono_literals;
using live::slot_state;
using testing::http_backend;
using testing::wait_until;
using ::testing::HasSubstr;
using ::testing::StartsWith;

check_spec http_check(const std::string& name, int port, std::chrono::milliseconds interval = 100ms) {
  check_spec s;
  s.name = name;
  s.type = check_type::http;
  s.address = "127.0.0.1";
  s.port = static_cast<uint16_t>(port);
  s.path = "/health";
  s.interval = interval;
  s.timeout = std::min<std::chrono::milliseconds>(interval, 1000ms);
  s.failure_threshold = 1;
  s.recovery_threshold = 1;
  return s;
}

live::failover_binding binding(const std::string& primary, const std::string& secondary = {}) {
  live::failover_binding b;
  b.key = {"demo.test.", "", "app.demo.test.", 1};
  b.slot = std::make_shared<live::failover_slot>();
  b.primary_check = primary;
  b.secondary_check = secondary;
  return b;
}

// A log shared with the probe thread.
struct log_lines {
  std::mutex mu;
  std::vector<std::string> lines;
  log_fn fn() {
    return [this](log_level lv, const std::string& l) {
      std::lock_guard g(mu);
      lines.push_back((lv == log_level::warn ? "warn: " : "") + l);
    };
  }
  int count(const std::string& needle) {
    std::lock_guard g(mu);
    int n = 0;
    for (const auto& l : lines) n += l.find(needle) != std::string::npos;
    return n;
  }
};

check_status check_of(const prober& p, const std::string& name) {
  for (const auto& c : p.status().checks)
    if (c.name == name) return c;
  ADD_FAILURE() << "no check " << name;
  return {};
}

TEST(Prober, HttpHealthyThenStatus503) {
  http_backend web;
  prober p({http_check("web", web.port())}, {}, nullptr);
  p.start();
  check_status c = check_of(p, "web");
  ASSERT_TRUE(c.last);
  EXPECT_TRUE(c.last->ok);
  EXPECT_EQ(c.last->reason, "status 200");
  EXPECT_EQ(c.state, health::healthy);
  EXPECT_THAT(web.last_request(), StartsWith("GET /health HTTP/1.1\r\n"));

  web.set_mode(http_backend::mode::status, 503);
  ASSERT_TRUE(wait_until([&] { return check_of(p, "web").state == health::unhealthy; }, 2s));
  EXPECT_EQ(check_of(p, "web").last->reason, "status 503");
  web.set_mode(http_backend::mode::status, 302);
  ASSERT_TRUE(wait_until([&] { return check_of(p, "web").state == health::healthy; }, 2s))
      << "a 3xx is healthy and not followed";
  EXPECT_EQ(check_of(p, "web").last->reason, "status 302");
}

TEST(Prober, SearchStringPresentAndAbsent) {
  http_backend web;
  web.set_body("<html>service is UP and running</html>");
  check_spec present = http_check("present", web.port());
  present.search_string = "UP and";
  check_spec absent = http_check("absent", web.port());
  absent.search_string = "up and";  // case-sensitive
  prober p({present, absent}, {}, nullptr);
  p.start();
  EXPECT_EQ(check_of(p, "present").state, health::healthy);
  EXPECT_EQ(check_of(p, "absent").state, health::unhealthy);
  EXPECT_EQ(check_of(p, "absent").last->reason, "string not found");
}

TEST(Prober, StringBeyondTheFirst5120BytesIsNotFoundAndCostsNoTimeout) {
  http_backend web;
  web.set_mode(http_backend::mode::huge_body);
  web.set_body("NEEDLE");
  check_spec s = http_check("big", web.port(), 2000ms);
  s.search_string = "NEEDLE";
  prober p({s}, {}, nullptr);
  p.start();
  check_status c = check_of(p, "big");
  ASSERT_TRUE(c.last);
  EXPECT_EQ(c.last->reason, "string not found");
  EXPECT_LT(c.last->latency_ms, 1000);
}

TEST(Prober, ConnectsToAddressWithHostHeader) {
  http_backend web;
  check_spec s = http_check("named", web.port());
  s.host = "app.demo.test";
  prober p({s}, {}, nullptr);
  p.start();
  EXPECT_TRUE(check_of(p, "named").last->ok);
  EXPECT_THAT(web.last_request(), HasSubstr("\r\nHost: app.demo.test:" + std::to_string(web.port()) + "\r\n"));
}

TEST(Prober, RefusedConnection) {
  int port = 0;
  ::close(testing::listen_loopback(port));  // a port nobody listens on
  prober p({http_check("down", port)}, {}, nullptr);
  p.start();
  EXPECT_EQ(check_of(p, "down").last->reason, "connect refused");
  EXPECT_EQ(check_of(p, "down").state, health::unhealthy);
}

TEST(Prober, HungBackendTimesOutWhileOtherCheckKeepsItsSchedule) {
  http_backend hung, fast;
  hung.set_mode(http_backend::mode::hang);
  check_spec slow = http_check("hung", hung.port(), 600ms);
  slow.timeout = 400ms;
  check_spec quick = http_check("fast", fast.port(), 100ms);
  prober p({slow, quick}, {}, nullptr);

  auto t0 = std::chrono::steady_clock::now();
  p.start();
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 380ms);
  EXPECT_LT(took, 1000ms) << "start-up is bounded by the checks' timeouts";
  check_status h = check_of(p, "hung");
  EXPECT_EQ(h.state, health::unhealthy);
  EXPECT_EQ(h.last->reason, "timeout");
  EXPECT_GE(h.last->latency_ms, 380);
  EXPECT_LT(h.last->latency_ms, 700);

  uint64_t before = check_of(p, "fast").probes;
  std::this_thread::sleep_for(1500ms);
  uint64_t ran = check_of(p, "fast").probes - before;
  EXPECT_GE(ran, 12u) << "the fast check runs every 100ms whatever the hung one does";
  EXPECT_LE(ran, 17u);
  EXPECT_EQ(check_of(p, "fast").state, health::healthy);
  EXPECT_EQ(check_of(p, "hung").last->reason, "timeout");
}

TEST(Prober, TcpUpAndDown) {
  int port = 0;
  int fd = testing::listen_loopback(port);
  check_spec s;
  s.name = "tcp";
  s.type = check_type::tcp;
  s.address = "127.0.0.1";
  s.port = static_cast<uint16_t>(port);
  s.interval = 100ms;
  s.timeout = 100ms;
  s.failure_threshold = 2;
  s.recovery_threshold = 2;
  prober p({s}, {}, nullptr);
  p.start();
  EXPECT_EQ(check_of(p, "tcp").state, health::healthy);
  EXPECT_EQ(check_of(p, "tcp").last->reason, "connected");
  ::close(fd);
  ASSERT_TRUE(wait_until([&] { return check_of(p, "tcp").state == health::unhealthy; }, 2s));
  EXPECT_EQ(check_of(p, "tcp").last->reason, "connect refused");
}

TEST(Prober, HttpsAgainstSelfSignedCertificate) {
  char tmpl[] = "/tmp/hadns-tls-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  {
    testing::tls_backend tls(dir);
    if (tls.port() == 0) GTEST_SKIP() << "openssl or python3 unavailable";
    check_spec s = http_check("tls", tls.port(), 2000ms);
    s.type = check_type::https;
    s.host = "secure.test";
    s.search_string = "secure OK";
    check_spec strict = s;
    strict.name = "tls-strict";
    strict.tls_verify = true;
    prober p({s, strict}, {}, nullptr);
    p.start();
    EXPECT_EQ(check_of(p, "tls").state, health::healthy);
    EXPECT_EQ(check_of(p, "tls").last->reason, "status 200");
    EXPECT_EQ(check_of(p, "tls-strict").state, health::unhealthy);
    EXPECT_THAT(check_of(p, "tls-strict").last->reason, StartsWith("tls: "));
  }
  std::filesystem::remove_all(dir);
}

TEST(Prober, FlipsSlotOnFailureAndFailsBackOnRecovery) {
  http_backend web;
  const auto interval = 200ms;
  check_spec s = http_check("eu-web", web.port(), interval);
  s.failure_threshold = 2;
  s.recovery_threshold = 3;
  auto rec = binding("eu-web");
  log_lines log;
  prober p({s}, {rec}, log.fn());
  p.start();
  ASSERT_EQ(rec.slot->load(), slot_state::primary);

  const auto slack = 150ms;
  web.set_mode(http_backend::mode::status, 503);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return rec.slot->load() == slot_state::secondary; }, 3s));
  EXPECT_LE(std::chrono::steady_clock::now() - t0, interval * 2 + interval + slack);

  web.set_mode(http_backend::mode::ok);
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(wait_until([&] { return rec.slot->load() == slot_state::primary; }, 3s));
  EXPECT_LE(std::chrono::steady_clock::now() - t0, interval * 3 + interval + slack);

  status_snapshot st = p.status();
  ASSERT_EQ(st.records.size(), 1u);
  EXPECT_EQ(st.records[0].transitions, 2u);
  EXPECT_EQ(log.count("failover app.demo.test. A: primary -> secondary (primary check eu-web unhealthy"), 1);
  EXPECT_EQ(log.count("failover app.demo.test. A: secondary -> primary (primary check eu-web healthy)"), 1);
  EXPECT_EQ(log.count("health check eu-web: healthy -> unhealthy (status 503)"), 1);
}

TEST(Prober, StartUpRoundDecidesBeforeListenersOpen) {
  int port = 0;
  ::close(testing::listen_loopback(port));
  check_spec s = http_check("eu-web", port, 10000ms);
  s.failure_threshold = 3;
  auto rec = binding("eu-web");
  prober p({s}, {rec}, nullptr);
  p.start();
  EXPECT_EQ(rec.slot->load(), slot_state::secondary) << "the first result decides at start-up";
}

// Overrides on a fake clock: no probes needed (the check is disabled).
TEST(Prober, OverrideWithExpiryPersistsAndExpires) {
  char tmpl[] = "/tmp/hadns-prober-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string state = std::string(tmpl) + "/state.json";
  check_spec s;
  s.name = "eu-web";
  s.disabled = true;
  testing::fake_clock clk;
  log_lines log;
  auto rec = binding("eu-web");
  {
    prober p({s}, {rec}, log.fn(), clk, state);
    p.start();
    override_outcome out = p.set_override("eu-web", health::unhealthy, p.now().wall + 30min);
    EXPECT_TRUE(out.known);
    EXPECT_TRUE(out.persisted) << out.error;
    EXPECT_EQ(rec.slot->load(), slot_state::secondary) << "an override acts at once";
    EXPECT_FALSE(p.set_override("nope", health::unhealthy).known);
    ASSERT_EQ(load_state_file(state, clk.now().wall).overrides.count("eu-web"), 1u);
  }
  {
    // A restart keeps it...
    auto rec2 = binding("eu-web");
    prober p({s}, {rec2}, log.fn(), clk, state);
    p.start();
    EXPECT_EQ(rec2.slot->load(), slot_state::secondary);
    ASSERT_TRUE(p.status().checks[0].override_state);
    // ...until it expires: the check takes its own verdict (disabled: healthy).
    clk.advance(31min);
    EXPECT_TRUE(wait_until([&] { return rec2.slot->load() == slot_state::primary; }, 3s));
    EXPECT_EQ(log.count("override on eu-web expired"), 1);
  }
  {
    // An expired entry is dropped at start-up.
    clk.advance(-31min);
    ASSERT_EQ(save_state_file(state, {{"eu-web", {health::unhealthy, clk.now().wall + 1min}}}), "");
    clk.advance(2min);
    auto rec3 = binding("eu-web");
    prober p({s}, {rec3}, log.fn(), clk, state);
    p.start();
    EXPECT_EQ(rec3.slot->load(), slot_state::primary);
    EXPECT_GE(log.count("override on eu-web dropped: expired"), 1);
  }
  std::filesystem::remove_all(tmpl);
}

TEST(Prober, OverrideNotPersistedStillApplies) {
  check_spec s;
  s.name = "eu-web";
  s.disabled = true;
  auto rec = binding("eu-web");
  prober p({s}, {rec}, nullptr, system_clock(), "/nonexistent-folder/state.json");
  p.start();
  override_outcome out = p.set_override("eu-web", health::unhealthy);
  EXPECT_TRUE(out.known);
  EXPECT_FALSE(out.persisted);
  EXPECT_NE(out.error, "");
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
}

// State-file problems at start-up are warnings: the overrides the operator
// set are lost, which the operator must hear about.
TEST(Prober, StateFileProblemsAreWarnings) {
  char tmpl[] = "/tmp/hadns-prober-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string state = std::string(tmpl) + "/state.json";
  {
    std::ofstream f(state);
    f << "{ not json";
  }
  check_spec s;
  s.name = "eu-web";
  s.disabled = true;
  log_lines log;
  {
    prober p({s}, {binding("eu-web")}, log.fn(), system_clock(), state);
    EXPECT_EQ(log.count("warn: state file " + state), 1);
  }
  ASSERT_EQ(save_state_file(state, {{"gone", {health::unhealthy, std::nullopt}}}), "");
  {
    prober p({s}, {binding("eu-web")}, log.fn(), system_clock(), state);
    EXPECT_EQ(log.count("warn: override on gone dropped: no such check"), 1);
  }
  {
    prober p({s}, {binding("eu-web")}, log.fn(), system_clock(), std::string(tmpl) + "/no-such-dir/state.json");
    p.start();
    EXPECT_FALSE(p.set_override("eu-web", health::unhealthy).persisted);
    EXPECT_EQ(log.count("warn: state file not written"), 1);
  }
  std::filesystem::remove_all(tmpl);
}

// A reload naming another state file: the overrides in force move there,
// and later changes follow.
TEST(Prober, NewStateFileGetsTheOverridesInForce) {
  char tmpl[] = "/tmp/hadns-prober-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string first = std::string(tmpl) + "/first.json", second = std::string(tmpl) + "/second.json";
  check_spec a, b;
  a.name = "eu-web";
  a.disabled = true;
  b.name = "us-web";
  b.disabled = true;
  prober p({a, b}, {binding("eu-web")}, nullptr, system_clock(), first);
  p.start();
  ASSERT_TRUE(p.set_override("eu-web", health::unhealthy).persisted);
  EXPECT_EQ(p.set_state_file(second), "");
  auto moved = load_state_file(second, system_clock().now().wall);
  EXPECT_EQ(moved.error, "");
  ASSERT_EQ(moved.overrides.count("eu-web"), 1u);
  EXPECT_EQ(moved.overrides.at("eu-web").state, health::unhealthy);
  ASSERT_TRUE(p.set_override("us-web", health::healthy).persisted);
  EXPECT_EQ(load_state_file(second, system_clock().now().wall).overrides.size(), 2u);
  EXPECT_EQ(load_state_file(first, system_clock().now().wall).overrides.size(), 1u) << "the old file is left alone";
  std::filesystem::remove_all(tmpl);
}

TEST(Prober, UpdateCarriesStateOverAndStopsRemovedChecks) {
  http_backend eu, us;
  eu.set_mode(http_backend::mode::status, 500);
  log_lines log;
  auto rec = binding("eu-web", "us-web");
  prober p({http_check("eu-web", eu.port()), http_check("us-web", us.port())}, {rec}, log.fn());
  p.start();
  ASSERT_EQ(rec.slot->load(), slot_state::secondary);
  p.set_override("us-web", health::healthy);

  // Reload: same eu-web, us-web removed (with its override), slot carried.
  auto rec2 = rec;
  rec2.secondary_check.clear();
  p.update({http_check("eu-web", eu.port())}, {rec2});
  EXPECT_EQ(rec.slot->load(), slot_state::secondary);
  EXPECT_EQ(log.count("override on us-web dropped: check removed"), 1);
  EXPECT_EQ(p.status().checks.size(), 1u);
  EXPECT_EQ(p.status().records[0].transitions, 1u);
  int us_requests = us.requests();
  std::this_thread::sleep_for(400ms);
  EXPECT_LE(us.requests(), us_requests + 1) << "a removed check stops";
  EXPECT_FALSE(p.set_override("us-web", health::healthy).known);

  eu.set_mode(http_backend::mode::ok);
  EXPECT_TRUE(wait_until([&] { return rec.slot->load() == slot_state::primary; }, 2s));
}

}  // namespace
}  // namespace hadns::probes
