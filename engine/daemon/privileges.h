// engine/daemon/privileges.h -- dropping root after every socket is bound.
#pragma once

#include <string>

namespace hadns::daemon {

// Switches to `user` (and its groups) when running as root; logs and does
// nothing otherwise or when `user` is empty. Throws std::runtime_error if
// the user does not exist or the switch fails.
void drop_privileges(const std::string& user);

}  // namespace hadns::daemon
