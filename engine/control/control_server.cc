// engine/control/control_server.cc -- see control_server.h.
#include "engine/control/control_server.h"

#include <httplib.h>

#include <stdexcept>

#include "engine/control/worker_pool.h"

namespace hadns::control {

namespace {

using json = nlohmann::json;

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

void send_outcome(httplib::Response& res, const outcome& o) { send_json(res, o.status, o.body); }

// Constant-time comparison: the token check must not leak its prefix length.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

control_server::control_server(control_api api, std::string token)
    : api_(std::move(api)), token_(std::move(token)), server_(std::make_unique<httplib::Server>()) {
  // A worker per connection (up to k_max_workers): an idle keep-alive client
  // or a half-sent request holds only its own worker, never a GET of another
  // client. The daemon serialises the changes itself.
  server_->new_task_queue = [] { return new worker_pool(k_max_workers); };
  // cpp-httplib's default adds SO_REUSEPORT, which would let a second
  // daemon bind our control port silently: SO_REUSEADDR only.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Short timeouts bound how long a connection past k_max_workers waits.
  server_->set_keep_alive_max_count(10);
  server_->set_keep_alive_timeout(2);
  server_->set_read_timeout(5);
  server_->set_write_timeout(5);
  routes();
}

control_server::~control_server() { stop(); }

void control_server::set_token(std::string token) {
  std::lock_guard lock(token_mutex_);
  token_ = std::move(token);
}

bool control_server::authorized(const std::string& header) const {
  std::lock_guard lock(token_mutex_);
  if (token_.empty()) return true;
  static const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0) return false;
  return same_secret(header.substr(prefix.size()), token_);
}

void control_server::routes() {
  auto& s = *server_;

  // A POST without Content-Length or chunked encoding: cpp-httplib would
  // wait for a body until its read timeout or the client closes, then send
  // an empty 400. Refuse it at once, in JSON like every other error.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "POST" || req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
      return httplib::Server::HandlerResponse::Unhandled;
    send_json(res, 411, {{"error", "a POST needs a Content-Length header (Content-Length: 0 for no body)"}});
    res.set_header("Connection", "close");
    return httplib::Server::HandlerResponse::Handled;
  });

  // cpp-httplib's own errors (404, 400 on a malformed request, ...) come
  // with an empty body: give them a JSON one. Replies we built keep theirs.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string what = res.status == 404   ? "no such resource"
                       : res.status == 400 ? "malformed request"
                                           : "HTTP status " + std::to_string(res.status);
    send_json(res, res.status, {{"error", what}});
    return httplib::Server::HandlerResponse::Handled;
  }));

  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });

  s.Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, api_.status());
  });

  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(api_.metrics(), "text/plain; version=0.0.4; charset=utf-8");
  });

  s.Get("/explain", [this](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_param("name")) {
      send_json(res, 400, {{"error", "missing query parameter: name"}});
      return;
    }
    std::string type = req.has_param("type") ? req.get_param_value("type") : "A";
    std::string from = req.has_param("from") ? req.get_param_value("from") : "127.0.0.1";
    send_outcome(res, api_.explain(req.get_param_value("name"), type, from));
  });

  s.Post("/reload", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req.get_header_value("Authorization"))) {
      send_json(res, 401, {{"error", "a bearer token is required"}});
      return;
    }
    send_outcome(res, api_.reload());
  });

  s.Post(R"(/checks/([^/]+)/override)", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req.get_header_value("Authorization"))) {
      send_json(res, 401, {{"error", "a bearer token is required"}});
      return;
    }
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("state") || !body["state"].is_string()) {
      send_json(res, 400, {{"error", R"(expected a JSON body {"state": "healthy"|"unhealthy"|"auto", "for": "30m"})"}});
      return;
    }
    std::string state = body["state"].get<std::string>();
    if (state != "healthy" && state != "unhealthy" && state != "auto") {
      send_json(res, 400, {{"error", "state must be healthy, unhealthy or auto, not '" + state + "'"}});
      return;
    }
    std::string for_text;
    if (body.contains("for")) {
      if (!body["for"].is_string()) {
        send_json(res, 400, {{"error", R"("for" must be a duration string like "30m")"}});
        return;
      }
      for_text = body["for"].get<std::string>();
    }
    send_outcome(res, api_.override_check(httplib::detail::decode_url(req.matches[1], false), state, for_text));
  });

  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_json(res, 500, {{"error", what}});
  });
}

void control_server::start(const std::string& host, int port) {
  int bound = port;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (!server_->bind_to_port(host, port)) {
    bound = -1;
  }
  if (bound <= 0)
    throw std::runtime_error("control listener: cannot bind " +
                             (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                             std::to_string(port) + " (address in use or not available)");
  port_ = bound;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
}

void control_server::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace hadns::control
