// engine/daemon/privileges.cc -- see privileges.h.
#include "engine/daemon/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/core.h>

#include "engine/io/log.h"

namespace hadns::daemon {

void drop_privileges(const std::string& user) {
  if (user.empty()) return;
  if (geteuid() != 0) {
    io::log::warn("server.user is {} but hadnsd is not running as root: not changing user", user);
    return;
  }
  errno = 0;
  passwd* pw = getpwnam(user.c_str());
  if (!pw) throw std::runtime_error(fmt::format("server.user: no such user {}", user));
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
    throw std::runtime_error(fmt::format("server.user: cannot switch to {}: {}", user, std::strerror(errno)));
  io::log::info("running as user {} (uid {}, gid {})", user, pw->pw_uid, pw->pw_gid);
}

}  // namespace hadns::daemon
