// tests/engine/control/control_server_test.cc -- the control listener's
// HTTP contract against a fake daemon: routes, token, error codes.
#include "engine/control/control_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

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

// A raw TCP connection to the listener, for what cpp-httplib's client
// would never send (half a request, a POST without Content-Length).
struct raw_connection {
  int fd = -1;
  explicit raw_connection(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "connect";
  }
  ~raw_connection() { ::close(fd); }
  void send(const std::string& text) { ASSERT_EQ(::write(fd, text.data(), text.size()), ssize_t(text.size())); }
  // Reads until `until` appears (or the peer closes, or `ms` pass).
  std::string read_until(const std::string& until, int ms = 3000) {
    std::string got;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (got.find(until) == std::string::npos) {
      int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count());
      pollfd p{fd, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, left) <= 0) break;
      char buf[4096];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, size_t(n));
    }
    return got;
  }
};

// One client idling on a keep-alive connection and another sending half a
// request must not hold up a third client's GET (they used to, for the
// keep-alive and read timeouts: ~5 s each, with one worker thread).
TEST(ControlServer, GetsAnswerWhileOtherClientsIdle) {
  fake_daemon d;
  control_server server(d.api(), "");
  server.start("127.0.0.1", 0);
  raw_connection idle(server.port());
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_NE(idle.read_until("ok\n").find("200"), std::string::npos);
  raw_connection half(server.port());
  half.send("GET /status HTTP/1.1\r\nHost:");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both are with the listener

  for (const char* path : {"/status", "/metrics", "/healthz"}) {
    auto t0 = std::chrono::steady_clock::now();
    httplib::Client cli("127.0.0.1", server.port());
    cli.set_read_timeout(10, 0);
    auto r = cli.Get(path);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_LT(ms, 1000) << path << " waited for the idle clients";
  }
  // The keep-alive connection still works.
  idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(idle.read_until("ok\n").find("200"), std::string::npos);
}

// A POST without a body and without Content-Length gets a JSON error at
// once, not cpp-httplib's empty 400 after its read timeout.
TEST(ControlServer, PostWithoutContentLengthGetsJsonError) {
  fake_daemon d;
  control_server server(d.api(), "");
  server.start("127.0.0.1", 0);
  raw_connection c(server.port());
  auto t0 = std::chrono::steady_clock::now();
  c.send("POST /reload HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string reply = c.read_until("}\n");
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 1000);
  ASSERT_EQ(reply.rfind("HTTP/1.1 411", 0), 0u) << reply;
  auto body_at = reply.find("\r\n\r\n");
  ASSERT_NE(body_at, std::string::npos) << reply;
  auto j = json::parse(reply.substr(body_at + 4), nullptr, false);
  ASSERT_TRUE(j.is_object()) << reply;
  EXPECT_NE(j.value("error", "").find("Content-Length"), std::string::npos) << reply;
  EXPECT_EQ(d.reloads, 0);
}

// cpp-httplib's own errors carry a JSON body too; ours keep theirs.
TEST(ControlServer, EveryErrorIsJson) {
  fake_daemon d;
  control_server server(d.api(), "sekrit");
  server.start("127.0.0.1", 0);
  httplib::Client cli("127.0.0.1", server.port());
  auto r = cli.Get("/no-such-thing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body, nullptr, false).value("error", ""), "no such resource");
  r = cli.Post("/reload", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body, nullptr, false).value("error", ""), "a bearer token is required");
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
