// probes/tcp_probe.h -- one TCP probe: a non-blocking connect to
// address:port; healthy when the connection is accepted.
//
// The probe thread polls fd() for POLLOUT in the same wait as libcurl's
// sockets and calls on_ready() when it fires; the timeout is the caller's.
//
// Threads: owned by the probe thread.
#pragma once

#include <string>

#include "probes/check_spec.h"

namespace hadns::probes {

class tcp_probe {
 public:
  explicit tcp_probe(const check_spec& spec);  // starts connecting
  ~tcp_probe();
  tcp_probe(const tcp_probe&) = delete;
  tcp_probe& operator=(const tcp_probe&) = delete;

  int fd() const noexcept { return fd_; }
  bool done() const noexcept { return done_; }
  bool ok() const noexcept { return ok_; }
  const std::string& reason() const noexcept { return reason_; }

  // The socket polled writable (or in error): the connect has finished.
  void on_ready();

 private:
  void fail(int err);

  int fd_ = -1;
  bool done_ = false;
  bool ok_ = false;
  std::string reason_;
};

}  // namespace hadns::probes
