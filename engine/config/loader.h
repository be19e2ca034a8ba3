// engine/config/loader.h -- YAML file -> validated `config`.
//
// load_config reads the file with yaml-cpp, walks it with the schema table
// (schema.h), applies every default, makes every path absolute against the
// config file's folder, reads control.token_file, and runs the cross-key
// checks (validate.h). It either returns a complete config or throws
// config_error naming file, 1-based line and dotted key (e.g.
// `zones[0].failover[1].primary.health_check`) and what was expected.
// Zone files are not read here; engine/zone does that.
//
// Threads: no shared state; call from any thread (start-up, reload,
// `--check-config`, hadnsctl).
#pragma once

#include <string>
#include <string_view>

#include "engine/config/config.h"
#include "engine/config/reload_diff.h"

namespace hadns::config {

config load_config(const std::string& path);

// For tests and reloads from memory: `path` names the file in errors and
// its folder anchors relative paths (it need not exist).
config load_config_text(std::string_view yaml_text, const std::string& path);

}  // namespace hadns::config
