// engine/io/log.cc -- timestamped single-write log lines (see log.h).
#include "engine/io/log.h"

#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string>

namespace hadns::io::log {

namespace {

const char* level_name(level lv) {
  switch (lv) {
    case level::info: return "info";
    case level::warn: return "warning";
    case level::error: return "error";
  }
  return "info";
}

}  // namespace

void write_line(level lv, std::string_view message) noexcept {
  try {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    tm utc{};
    gmtime_r(&ts.tv_sec, &utc);
    std::string line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z hadnsd {}: {}\n",
                                   utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                                   utc.tm_min, utc.tm_sec, ts.tv_nsec / 1000000, level_name(lv),
                                   message);
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
      ssize_t n = ::write(STDERR_FILENO, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      p += n;
      left -= static_cast<size_t>(n);
    }
  } catch (...) {
    // Logging must never take the daemon down.
  }
}

}  // namespace hadns::io::log
