// tools/loadgen/target.cc -- numeric address parsing and the loopback test.
#include "tools/loadgen/target.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace hadns::loadgen {

std::optional<target> parse_target(const std::string& address, uint16_t port) {
  target t;
  std::string host = address;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&t.addr);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr = a4;
    t.addr_len = sizeof(sockaddr_in);
    t.family = AF_INET;
    t.loopback = (ntohl(a4.s_addr) >> 24) == 127;
    t.text = host + ":" + std::to_string(port);
    return t;
  }
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&t.addr);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    sin6->sin6_addr = a6;
    t.addr_len = sizeof(sockaddr_in6);
    t.family = AF_INET6;
    t.loopback = IN6_IS_ADDR_LOOPBACK(&a6) ||
                 (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
    t.text = "[" + host + "]:" + std::to_string(port);
    return t;
  }
  return std::nullopt;
}

}  // namespace hadns::loadgen
