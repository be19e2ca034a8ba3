// tests/engine/config/temp_config.h -- a per-test temporary folder to write
// config files (and token files) into, and a helper that returns the
// config_error a config text raises.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "engine/config/loader.h"

namespace hadns::config::testing {

class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hadns-config-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to `name` inside the folder and returns its full path.
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

// Raw string literals in tests start with a newline so that the YAML lines
// up with the test source; drop it so that line 1 is the first YAML line.
inline std::string yaml(const char* text) {
  std::string s(text);
  if (!s.empty() && s.front() == '\n') s.erase(0, 1);
  return s;
}

// Loads `text` as `path` and returns the error it raises (nullopt if it loads).
inline std::optional<config_error> error_of(const std::string& text, const std::string& path = "/etc/hadns/test.yaml") {
  try {
    load_config_text(text, path);
  } catch (const config_error& e) {
    return e;
  }
  return std::nullopt;
}

}  // namespace hadns::config::testing
