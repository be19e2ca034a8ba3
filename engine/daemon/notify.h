// engine/daemon/notify.h -- tells the service manager where the daemon is in
// its life (systemd's Type=notify protocol, through libsystemd's sd_notify):
// ready once every listener is open, reloading/ready around a reload,
// stopping on the way out. Not started by systemd (no NOTIFY_SOCKET), every
// call does nothing.
//
// Threads: any thread (a reload may come from the control listener).
#pragma once

#include <string_view>

namespace hadns::daemon::notify {

// READY=1, with a one-line STATUS= for `systemctl status`.
void ready(std::string_view status);
// RELOADING=1 (with MONOTONIC_USEC, which newer systemd asks for).
void reloading();
// STOPPING=1.
void stopping();

}  // namespace hadns::daemon::notify
