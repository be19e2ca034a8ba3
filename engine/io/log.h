// engine/io/log.h -- the daemon's log: one line per event on stderr.
//
// Every line is "<UTC timestamp> hadnsd <level>: <message>" and is written
// with a single write(2), so lines from different threads never interleave.
// Events only (start, listeners, reloads, errors): never one line per query.
//
// Threads: any thread may log; nothing here is shared but stderr.
#pragma once

#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace hadns::io::log {

enum class level { info, warn, error };

// Writes one complete line (a newline is added).
void write_line(level lv, std::string_view message) noexcept;

template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  write_line(level::info, fmt::format(f, std::forward<Args>(args)...));
}

template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  write_line(level::warn, fmt::format(f, std::forward<Args>(args)...));
}

template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  write_line(level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace hadns::io::log
