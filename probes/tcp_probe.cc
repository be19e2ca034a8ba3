// probes/tcp_probe.cc -- one TCP probe (see tcp_probe.h).
#include "probes/tcp_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hadns::probes {

tcp_probe::tcp_probe(const check_spec& spec) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  std::string address = spec.address;
  if (address.size() > 2 && address.front() == '[' && address.back() == ']')
    address = address.substr(1, address.size() - 2);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(spec.port);
    len = sizeof(*v4);
  } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(spec.port);
    len = sizeof(*v6);
  } else {
    done_ = true;
    reason_ = "bad address " + spec.address;
    return;
  }
  fd_ = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    fail(errno);
    return;
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
    done_ = true;
    ok_ = true;
    reason_ = "connected";
  } else if (errno != EINPROGRESS) {
    fail(errno);
  }
}

tcp_probe::~tcp_probe() {
  if (fd_ >= 0) ::close(fd_);
}

void tcp_probe::on_ready() {
  if (done_) return;
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err == EINPROGRESS) return;  // spurious wake-up
  if (err != 0) {
    fail(err);
    return;
  }
  done_ = true;
  ok_ = true;
  reason_ = "connected";
}

void tcp_probe::fail(int err) {
  done_ = true;
  ok_ = false;
  switch (err) {
    case ECONNREFUSED: reason_ = "connect refused"; break;
    case ETIMEDOUT: reason_ = "timeout"; break;
    case EHOSTUNREACH: reason_ = "host unreachable"; break;
    case ENETUNREACH: reason_ = "network unreachable"; break;
    case ECONNRESET: reason_ = "connection reset"; break;
    default: reason_ = std::string("connect failed: ") + std::strerror(err); break;
  }
}

}  // namespace hadns::probes
