// engine/io/sockets.cc -- listening sockets (see sockets.h).
#include "engine/io/sockets.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/core.h>

namespace hadns::io {

namespace {

[[noreturn]] void fail(const char* what, const config::endpoint& ep, int err) {
  throw io_error(fmt::format("cannot {} {}: {}", what, endpoint_text(ep), std::strerror(err)));
}

void set_int(int fd, int level, int name, int value, const char* what,
             const config::endpoint& ep) {
  if (setsockopt(fd, level, name, &value, sizeof value) != 0) {
    int err = errno;
    ::close(fd);
    fail(what, ep, err);
  }
}

int new_socket(const config::endpoint& ep, int type, const char* proto_name) {
  if (ep.family != AF_INET && ep.family != AF_INET6)
    throw io_error(fmt::format("cannot open {} socket for {}: not an IPv4 or IPv6 address",
                               proto_name, endpoint_text(ep)));
  int fd = ::socket(ep.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(type == SOCK_DGRAM ? "open UDP socket for" : "open TCP socket for", ep, errno);
  set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1, "set SO_REUSEPORT on", ep);
  if (ep.family == AF_INET6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY on", ep);
  return fd;
}

void bind_or_fail(int fd, const config::endpoint& ep, const char* what) {
  sockaddr_storage ss{};
  socklen_t len = to_sockaddr(ep, ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int err = errno;
    ::close(fd);
    fail(what, ep, err);
  }
}

}  // namespace

std::string endpoint_text(const config::endpoint& ep) {
  char buf[INET6_ADDRSTRLEN] = "?";
  inet_ntop(ep.family == AF_INET6 ? AF_INET6 : AF_INET, ep.addr.data(), buf, sizeof buf);
  if (ep.family == AF_INET6) return fmt::format("[{}]:{}", buf, ep.port);
  return fmt::format("{}:{}", buf, ep.port);
}

socklen_t to_sockaddr(const config::endpoint& ep, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (ep.family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(ep.port);
    std::memcpy(&a->sin6_addr, ep.addr.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  a->sin_family = AF_INET;
  a->sin_port = htons(ep.port);
  std::memcpy(&a->sin_addr, ep.addr.data(), 4);
  return sizeof(sockaddr_in);
}

int open_udp(const config::endpoint& ep, int rcvbuf_bytes) {
  int fd = new_socket(ep, SOCK_DGRAM, "UDP");
  if (ep.family == AF_INET6)
    set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "set IPV6_RECVPKTINFO on", ep);
  else
    set_int(fd, IPPROTO_IP, IP_PKTINFO, 1, "set IP_PKTINFO on", ep);
  // Bursts must wait in the socket, not be lost: force the size as root,
  // else take what net.core.rmem_max allows.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf_bytes, sizeof rcvbuf_bytes) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf_bytes, sizeof rcvbuf_bytes);
  int snd = k_udp_sndbuf;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof snd) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd);
  bind_or_fail(fd, ep, "bind UDP");
  return fd;
}

int open_tcp(const config::endpoint& ep, int backlog) {
  int fd = new_socket(ep, SOCK_STREAM, "TCP");
  set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "set SO_REUSEADDR on", ep);
  bind_or_fail(fd, ep, "bind TCP");
  if (::listen(fd, backlog) != 0) {
    int err = errno;
    ::close(fd);
    fail("listen on TCP", ep, err);
  }
  return fd;
}

void claim_port(const config::endpoint& ep) {
  // SO_REUSEPORT lets another process of the same user join our port and
  // take half of our queries; an exclusive bind first (no SO_REUSEPORT)
  // fails if anyone holds the port, whatever options they used.
  for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
    int fd = ::socket(ep.family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(type == SOCK_DGRAM ? "open UDP socket for" : "open TCP socket for", ep, errno);
    if (type == SOCK_STREAM) set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "set SO_REUSEADDR on", ep);
    if (ep.family == AF_INET6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY on", ep);
    bind_or_fail(fd, ep, type == SOCK_DGRAM ? "bind UDP" : "bind TCP");
    ::close(fd);
  }
}

uint16_t pick_free_port(const config::endpoint& ep) {
  // The kernel picks a free UDP port; the same number may still be taken
  // for TCP (by a listener or an outgoing connection), so try again.
  for (int attempt = 0; attempt < 64; ++attempt) {
    config::endpoint probe = ep;
    probe.port = 0;
    int u = ::socket(ep.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (u < 0) fail("open UDP socket for", ep, errno);
    if (ep.family == AF_INET6) set_int(u, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY on", ep);
    bind_or_fail(u, probe, "bind UDP");
    probe.port = bound_port(u);
    int t = ::socket(ep.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (t < 0) {
      int err = errno;
      ::close(u);
      fail("open TCP socket for", ep, err);
    }
    if (ep.family == AF_INET6) set_int(t, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY on", ep);
    sockaddr_storage ss{};
    socklen_t len = to_sockaddr(probe, ss);
    bool ok = ::bind(t, reinterpret_cast<sockaddr*>(&ss), len) == 0;
    ::close(t);
    ::close(u);
    if (ok) return probe.port;
  }
  fail("find a port free for both UDP and TCP on", ep, EADDRINUSE);
}

uint16_t bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}

int receive_buffer(int fd) {
  int v = 0;
  socklen_t len = sizeof v;
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
  return v;
}

}  // namespace hadns::io
