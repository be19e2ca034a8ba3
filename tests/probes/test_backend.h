// tests/probes/test_backend.h -- tiny local backends for the probe tests: an
// HTTP server on 127.0.0.1 port 0 in the test process whose behaviour the
// test switches (ok, a status, hang, huge body), a bare TCP listener, and a
// TLS server (python3 ssl, self-signed certificate made with openssl).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace hadns::probes::testing {

inline int listen_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || ::listen(fd, 64) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1");
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

// Waits until `pred` holds or `limit` passes; returns pred().
inline bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

class http_backend {
 public:
  enum class mode { ok, status, hang, huge_body };

  http_backend() {
    fd_ = listen_loopback(port_);
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    thread_ = std::thread([this] { serve(); });
  }
  ~http_backend() {
    stop_ = true;
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    for (int c : held_) ::close(c);
    ::close(fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  int port() const { return port_; }
  void set_mode(mode m, int status = 200) {
    std::lock_guard l(mu_);
    mode_ = m;
    status_ = status;
  }
  void set_body(std::string body) {
    std::lock_guard l(mu_);
    body_ = std::move(body);
  }
  std::string last_request() {
    std::lock_guard l(mu_);
    return last_request_;
  }
  int requests() const { return requests_.load(); }

 private:
  void serve() {
    while (!stop_) {
      pollfd p[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (::poll(p, 2, 1000) <= 0) continue;
      if (p[1].revents) break;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      handle(c);
    }
  }

  void handle(int c) {
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 1000) <= 0) break;
      ssize_t n = ::recv(c, buf, sizeof(buf), 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    mode m;
    int status;
    std::string body;
    {
      std::lock_guard l(mu_);
      last_request_ = req;
      m = mode_;
      status = status_;
      body = body_;
    }
    requests_++;
    if (m == mode::hang) {
      held_.push_back(c);  // accepted, never answered
      return;
    }
    timeval tv{2, 0};
    ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (m == mode::huge_body) {
      std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n";
      send_all(c, head);
      std::string chunk(8192, 'x');
      for (int i = 0; i < 128 && send_all(c, chunk); ++i) {
      }
      send_all(c, body);
    } else {
      int code = m == mode::status ? status : 200;
      std::string head = "HTTP/1.1 " + std::to_string(code) + " X\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
      send_all(c, head + body);
    }
    ::close(c);
  }

  static bool send_all(int c, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(c, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  int fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
  std::mutex mu_;
  mode mode_ = mode::ok;
  int status_ = 200;
  std::string body_ = "hello OK";
  std::string last_request_;
  std::vector<int> held_;
};

// A TLS server with a fresh self-signed certificate for `name`, serving
// "secure OK" on every path. Skips (returns port 0) if openssl or python3
// is missing.
class tls_backend {
 public:
  explicit tls_backend(const std::string& dir, const std::string& name = "secure.test") {
    std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
    std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
                      " -subj /CN=" + name + " -addext subjectAltName=DNS:" + name +
                      " -keyout " + key + " -out " + cert + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) return;
    static const char* script = R"(
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"secure OK"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
)";
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::execl("/usr/bin/python3", "python3", "-c", script, cert.c_str(), key.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(out[1]);
    pollfd p{out[0], POLLIN, 0};
    char buf[32] = {};
    if (::poll(&p, 1, 10000) > 0 && ::read(out[0], buf, sizeof(buf) - 1) > 0) port_ = std::atoi(buf);
    out_ = out[0];  // kept open: the server may still write to it
  }
  ~tls_backend() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int out_ = -1;
};

}  // namespace hadns::probes::testing
