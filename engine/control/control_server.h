// engine/control/control_server.h -- the control listener: GET /healthz,
// /status, /metrics, /explain; POST /reload, /checks/NAME/override.
//
// Binds at construction time (start()) so that a taken port is a start-up
// error like a taken DNS port. Each connection gets its own worker thread
// (worker_pool.h, up to k_max_workers), so a GET is answered at once
// whatever other clients do (an idle keep-alive connection, a half-sent
// request); the daemon callbacks therefore run concurrently, and the daemon
// serialises the changes (control_api.h). With a token, every POST needs
// `Authorization: Bearer TOKEN` (401 otherwise); GETs never do. Every error
// reply is JSON, cpp-httplib's own included.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "engine/control/control_api.h"

namespace httplib { class Server; }

namespace hadns::control {

class control_server {
 public:
  control_server(control_api api, std::string token);
  ~control_server();
  control_server(const control_server&) = delete;
  control_server& operator=(const control_server&) = delete;

  // Binds host:port (IPv6 host without brackets) and starts serving on its
  // own thread. Throws std::runtime_error naming the address if it cannot bind.
  void start(const std::string& host, int port);
  void stop();

  // Changing the token is how a reload applies a new token_file.
  void set_token(std::string token);

  int port() const noexcept { return port_; }

  // Connections served at the same time; more wait for a free worker.
  static constexpr size_t k_max_workers = 16;

 private:
  void routes();
  bool authorized(const std::string& header) const;

  control_api api_;
  mutable std::mutex token_mutex_;  // a SIGHUP reload may change the token from another thread
  std::string token_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hadns::control
