// engine/daemon/notify.cc -- see notify.h.
#include "engine/daemon/notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

#include <fmt/core.h>

namespace hadns::daemon::notify {

namespace {

void send(const std::string& message) {
  // A failure to notify must never stop the daemon; systemd notices a
  // missing READY=1 by itself (TimeoutStartSec).
  sd_notify(0, message.c_str());
}

// STATUS= ends at the newline: keep the text to one line.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c == '\n') c = ' ';
  return out;
}

}  // namespace

void ready(std::string_view status) { send("READY=1\nSTATUS=" + one_line(status)); }

void reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t usec = static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
  send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}\nSTATUS=reloading", usec));
}

void stopping() { send("STOPPING=1\nSTATUS=stopping"); }

}  // namespace hadns::daemon::notify
