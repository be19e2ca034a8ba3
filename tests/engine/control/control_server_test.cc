// tests/engine/control/control_server_test.cc -- the control listener's
// HTTP contract against a fake daemon: routes, token, error codes.
#include "engine/control/control_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

namespace hadns::control {
namespace {

using json = nlohmann::json;

struct fake_daemon {
  int reloads = 0;
  std::string last_check, last_state, last_for;

  control_api api() {
    control_api a;
    a.status = [] { return json{{"checks", json::object()}, {"records", json::array()}}; };
    a.metrics = [] { return std::string("# HELP hadns_up up\n# TYPE hadns_up gauge\nhadns_up 1\n"); };
    a.explain = [](const std::string& name, const std::string& type, const std::string& from) {
      return outcome{200, {{"name", name}, {"type", type}, {"from", from}}};
    };
    a.reload = [this] {
      ++reloads;
      return outcome{422, {{"error", "bad"}, {"file", "x.yaml"}, {"line", 3}, {"key", "zones"}}};
    };
    a.override_check = [this](const std::string& c, const std::string& s, const std::string& f) {
      if (c != "eu-web") return outcome{404, {{"error", "unknown check " + c}}};
      last_check = c, last_state = s, last_for = f;
      return outcome{200, {{"check", c}, {"state", s}}};
    };
    return a;
  }
};

TEST(ControlServer, ServesReadsWithoutToken) {
  fake_daemon d;
  control_server server(d.api(), "sekrit");
  server.start("127.0.0.1", 0);
  httplib::Client cli("127.0.0.1", server.port());
  auto r = cli.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  r = cli.Get("/status");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(json::parse(r->body).contains("records"));
  r = cli.Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("hadns_up 1"), std::string::npos);
  r = cli.Get("/explain?name=app.demo.test&type=AAAA");
  ASSERT_TRUE(r);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["name"], "app.demo.test");
  EXPECT_EQ(j["type"], "AAAA");
  EXPECT_EQ(j["from"], "127.0.0.1");
  r = cli.Get("/explain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(ControlServer, ChangesNeedTheBearerToken) {
  fake_daemon d;
  control_server server(d.api(), "sekrit");
  server.start("127.0.0.1", 0);
  httplib::Client cli("127.0.0.1", server.port());
  auto r = cli.Post("/checks/eu-web/override", R"({"state":"unhealthy"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(d.last_state, "");
  httplib::Headers wrong{{"Authorization", "Bearer sekriT"}};
  r = cli.Post("/reload", wrong, "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(d.reloads, 0);

  httplib::Headers right{{"Authorization", "Bearer sekrit"}};
  r = cli.Post("/checks/eu-web/override", right, R"({"state":"unhealthy","for":"30m"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(d.last_state, "unhealthy");
  EXPECT_EQ(d.last_for, "30m");
}

TEST(ControlServer, PassesOutcomesAndRejectsBadBodies) {
  fake_daemon d;
  control_server server(d.api(), "");
  server.start("127.0.0.1", 0);
  httplib::Client cli("127.0.0.1", server.port());
  auto r = cli.Post("/checks/nope/override", R"({"state":"healthy"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = cli.Post("/checks/eu-web/override", R"({"state":"sideways"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = cli.Post("/checks/eu-web/override", "not json", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  r = cli.Post("/reload", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["file"], "x.yaml");
  EXPECT_EQ(j["line"], 3);
  EXPECT_EQ(j["key"], "zones");
}

TEST(ControlServer, TakenPortIsAnError) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  fake_daemon d;
  control_server server(d.api(), "");
  EXPECT_THROW(server.start("127.0.0.1", ntohs(a.sin_port)), std::runtime_error);
  ::close(fd);
}

}  // namespace
}  // namespace hadns::control
