// engine/config/node_reader.h -- reading YAML nodes as schema values, with
// errors that name file, line and dotted key.
//
// The loader walks the document; this file owns the per-node rules: a map's
// keys must be scalars and unique (yaml-cpp keeps duplicate keys, so they are
// caught here while iterating), a value must have the kind its key_spec
// says, within its range. It also records the line of every key and list
// item it visits (`line_index`), so checks that run after the YAML is gone
// (validate.h) still point at the right line.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <string>

#include "engine/config/schema.h"

namespace hadns::config {

// Dotted key path -> 1-based line, e.g. "health_checks.eu-web.timeout" -> 12.
class line_index {
 public:
  void set(const std::string& path, int line) { lines_[path] = line; }
  // The line of `path`, or of its nearest recorded parent; 0 if none.
  int line_of(std::string path) const;

 private:
  std::map<std::string, int> lines_;
};

struct read_context {
  std::string file;  // the config file, as errors name it
  std::string dir;   // its folder, for relative paths
  line_index* lines = nullptr;
};

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string key_path(const std::string& parent, std::string_view key);
// "zones" + 2 -> "zones[2]".
std::string item_path(const std::string& parent, size_t index);

// 1-based line of a node's mark, or 0 when yaml-cpp has none.
int line_of(const YAML::Node& node);

[[noreturn]] void fail(const read_context& ctx, int line, const std::string& key, const std::string& message);

// Calls `fn(key, key_node, value_node)` for each entry of map `node`, after
// checking that `node` is a map (null counts as an empty map), that the key
// is a scalar and that it was not seen before in this map. Records each
// key's line under key_path(path, key).
void for_each_entry(const read_context& ctx, const YAML::Node& node, const std::string& path,
                    const std::function<void(const std::string& key, const YAML::Node& key_node,
                                             const YAML::Node& value_node)>& fn);

// Reads `node` as the value of `spec` (any non-nested kind), checking kind
// and range. `path` is the key's dotted path; `line` the key's line.
value read_value(const read_context& ctx, const key_spec& spec, const YAML::Node& node,
                 const std::string& path, int line);

}  // namespace hadns::config
