// probes/state_file.cc -- the override state file (see state_file.h).
#include "probes/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "probes/status.h"
#include "probes/status_json.h"

namespace hadns::probes {

loaded_state load_state_file(const std::string& path, wall_time now) {
  loaded_state out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) out.error = path + ": " + std::strerror(errno);
    return out;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(buf.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error = path + ": not a JSON object";
    return out;
  }
  auto ov = j.find("overrides");
  if (ov == j.end()) return out;
  if (!ov->is_object()) {
    out.error = path + ": overrides: expected an object";
    return out;
  }
  for (auto it = ov->begin(); it != ov->end(); ++it) {
    const nlohmann::json& e = it.value();
    override_entry o;
    std::optional<health> state;
    if (!e.is_object() || !e.contains("state") || !e["state"].is_string() ||
        !parse_override_state(e["state"].get<std::string>(), state) || !state) {
      out.error = path + ": overrides." + it.key() + ": expected {\"state\": healthy|unhealthy}";
      continue;
    }
    o.state = *state;
    if (e.contains("until") && !e["until"].is_null()) {
      wall_time until;
      if (!e["until"].is_string() || !parse_utc(e["until"].get<std::string>(), until)) {
        out.error = path + ": overrides." + it.key() + ".until: expected a UTC time";
        continue;
      }
      o.until = until;
    }
    if (!override_active(o, now)) {
      out.expired.push_back(it.key());
      continue;
    }
    out.overrides.emplace(it.key(), o);
  }
  return out;
}

std::string save_state_file(const std::string& path,
                            const std::map<std::string, override_entry>& overrides) {
  nlohmann::json ov = nlohmann::json::object();
  for (const auto& [name, o] : overrides)
    ov[name] = {{"state", to_string(o.state)},
                {"until", o.until ? nlohmann::json(format_utc(*o.until)) : nlohmann::json(nullptr)}};
  nlohmann::json j = {{"overrides", ov}};
  std::string text = j.dump(2) + "\n";

  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return tmp + ": " + std::strerror(errno);
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    off += static_cast<size_t>(n);
  }
  int synced = ::fsync(fd);
  int sync_errno = errno;
  int closed = ::close(fd);
  if (synced != 0 || closed != 0) {
    std::string err = tmp + ": " + std::strerror(synced != 0 ? sync_errno : errno);
    ::unlink(tmp.c_str());
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return err;
  }
  return {};
}

}  // namespace hadns::probes
