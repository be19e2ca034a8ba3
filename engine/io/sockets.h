// engine/io/sockets.h -- opening the listening sockets: one SO_REUSEPORT UDP
// socket and one TCP listener per listen address per shard.
//
// UDP sockets ask for the query's destination address (IP_PKTINFO /
// IPV6_RECVPKTINFO) so that answers leave from the address the query came
// to; their receive buffer is sized deliberately (SO_RCVBUFFORCE when
// allowed, else SO_RCVBUF). IPv6 sockets are IPV6_V6ONLY. Every failure is
// an io_error that names the protocol, the address and the reason.
//
// Threads: called at start-up by the thread that builds the server.
#pragma once

#include <sys/socket.h>

#include <stdexcept>
#include <string>

#include "engine/config/config.h"

namespace hadns::io {

class io_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int k_udp_rcvbuf = 4 * 1024 * 1024;
inline constexpr int k_udp_sndbuf = 1 * 1024 * 1024;
inline constexpr int k_tcp_backlog = 1024;

// "127.0.0.1:5353" or "[::1]:5353".
std::string endpoint_text(const config::endpoint& ep);

// Fills `ss` from `ep`; returns the address length.
socklen_t to_sockaddr(const config::endpoint& ep, sockaddr_storage& ss);

// A bound, non-blocking UDP socket. Throws io_error.
int open_udp(const config::endpoint& ep, int rcvbuf_bytes = k_udp_rcvbuf);

// A bound, listening TCP socket. Throws io_error.
int open_tcp(const config::endpoint& ep, int backlog = k_tcp_backlog);

// The local port a socket is bound to (for listen addresses with port 0).
uint16_t bound_port(int fd);

// Throws io_error if anyone holds ep's port for UDP or TCP, even through
// SO_REUSEPORT (another hadnsd, say). Port 0 is not checked.
void claim_port(const config::endpoint& ep);

// For a listen address with port 0: a port number free for both UDP and
// TCP on ep's address right now. Throws io_error.
uint16_t pick_free_port(const config::endpoint& ep);

// The receive buffer the kernel actually granted (bytes).
int receive_buffer(int fd);

}  // namespace hadns::io
