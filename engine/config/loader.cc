// engine/config/loader.cc -- walks the YAML document with the schema table
// and builds a `config` (see loader.h).
#include "engine/config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/config/dns_text.h"
#include "engine/config/node_reader.h"
#include "engine/config/schema.h"
#include "engine/config/validate.h"

namespace hadns::config {
namespace {

using nested_fn = std::function<void(const key_spec&, const YAML::Node&, const std::string& path, int line)>;

constexpr millis k_max_default_timeout{4000};

bool valid_check_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

std::string trim(std::string s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

class loader {
 public:
  loader(std::string file, std::string dir) {
    ctx_.file = std::move(file);
    ctx_.dir = std::move(dir);
    ctx_.lines = &lines_;
  }

  config run(const YAML::Node& root, std::string abs_path) {
    cfg_.path = std::move(abs_path);
    cfg_.dir = ctx_.dir;
    read_section(section::top, root, "", 1, &cfg_, 0,
                 [this](const key_spec& spec, const YAML::Node& node, const std::string& path, int line) {
                   if (spec.key == "server") read_server(node, path, line);
                   else if (spec.key == "control") read_control(node, path, line);
                   else if (spec.key == "health_checks") read_checks(node, path);
                   else if (spec.key == "zones") read_zones(node, path, line);
                 });
    if (root.IsNull() || !root["control"]) read_control(YAML::Node(), "control", 1);
    validate(cfg_, ctx_);
    return std::move(cfg_);
  }

 private:
  // Reads the keys of map `node` (section `s`) into `t`: unknown keys,
  // applicability (health checks, by `check_mask`), kinds, ranges, then
  // required keys and static defaults. Returns the keys that were present.
  std::set<std::string> read_section(section s, const YAML::Node& node, const std::string& path, int line,
                                     target t, unsigned check_mask = 0, const nested_fn& nested = {}) {
    std::set<std::string> present;
    for_each_entry(ctx_, node, path, [&](const std::string& key, const YAML::Node& k, const YAML::Node& v) {
      const int kline = line_of(k);
      const std::string p = key_path(path, key);
      const key_spec* spec = find_key(s, key);
      if (!spec) fail(ctx_, kline, p, "unknown key '" + key + "'; expected one of: " + key_list(s, check_mask));
      if (s == section::health_check && !(spec->applies_to & check_mask))
        fail(ctx_, kline, p, "'" + key + "' does not apply to " + check_types_text(check_mask) +
                                 " checks; it applies to " + check_types_text(spec->applies_to));
      present.insert(key);
      if (!spec->set) {
        nested(*spec, v, p, kline);
        return;
      }
      value val = read_value(ctx_, *spec, v, p, kline);
      try {
        spec->set(t, std::move(val));
      } catch (const std::invalid_argument& e) {
        const std::string shown = v.IsScalar() ? ", got '" + v.Scalar() + "'" : "";
        fail(ctx_, line_of(v) ? line_of(v) : kline, p, e.what() + shown);
      }
    });
    for (const key_spec* spec : keys_of(s)) {
      if (present.count(std::string(spec->key))) continue;
      const bool check = s == section::health_check;
      if (check && !(spec->applies_to & check_mask)) continue;
      const std::string p = key_path(path, spec->key);
      if (spec->required || (check && (spec->required_for & check_mask)))
        fail(ctx_, line, p, "missing required key '" + std::string(spec->key) + "'" +
                                (check && spec->required_for != k_all_checks ? " for " + check_types_text(check_mask) + " checks" : "") +
                                "; expected " + expected_text(*spec));
      if (!spec->computed_default && !spec->default_value.empty() && spec->set)
        spec->set(t, read_value(ctx_, *spec, YAML::Load(std::string(spec->default_value)), p, line));
    }
    return present;
  }

  std::string key_list(section s, unsigned check_mask) const {
    std::string out;
    for (const key_spec* spec : keys_of(s)) {
      if (s == section::health_check && check_mask && !(spec->applies_to & check_mask)) continue;
      if (!out.empty()) out += ", ";
      out += spec->key;
    }
    return out;
  }

  void read_server(const YAML::Node& node, const std::string& path, int line) {
    read_section(section::server, node, path, line, &cfg_.server, 0,
                 [this](const key_spec&, const YAML::Node& n, const std::string& p, int l) {
                   cfg_.server.xdp.emplace();
                   read_section(section::xdp, n, p, l, &*cfg_.server.xdp);
                 });
  }

  void read_control(const YAML::Node& node, const std::string& path, int line) {
    read_section(section::control, node, path, line, &cfg_.control);
    control_config& c = cfg_.control;
    if (c.token_file.empty()) return;
    const std::string p = key_path(path, "token_file");
    std::ifstream in(c.token_file);
    if (!in) fail(ctx_, lines_.line_of(p), p, "cannot read token file " + c.token_file + ": " + std::strerror(errno) +
                                               "; expected a readable file holding the bearer token");
    std::stringstream ss;
    ss << in.rdbuf();
    c.token = trim(ss.str());
    if (c.token.empty()) fail(ctx_, lines_.line_of(p), p, "token file " + c.token_file + " is empty; expected a bearer token");
  }

  void read_checks(const YAML::Node& node, const std::string& path) {
    for_each_entry(ctx_, node, path, [&](const std::string& name, const YAML::Node& k, const YAML::Node& v) {
      const int line = line_of(k);
      const std::string p = key_path(path, name);
      if (!valid_check_name(name))
        fail(ctx_, line, p, "expected a check name of 1..64 letters, digits, '-', '_' or '.'");
      health_check hc;
      hc.name = name;
      hc.pos = {ctx_.file, line};
      // The type decides which keys apply, so it is read first.
      unsigned mask = k_all_checks;
      if (v.IsMap() && v["type"]) {
        const key_spec& spec = *find_key(section::health_check, "type");
        spec.set(&hc, read_value(ctx_, spec, v["type"], key_path(p, "type"), line));
        mask = check_bit(hc.type);
      }
      const auto present = read_section(section::health_check, v, p, line, &hc, mask);
      const auto given = [&](const char* key) { return present.count(key) != 0; };
      if (hc.type == check_type::calculated) {
        if (!given("healthy_threshold")) hc.healthy_threshold = static_cast<int>(hc.children.size());
      } else {
        if (!given("port") && hc.type != check_type::tcp) hc.port = hc.type == check_type::https ? 443 : 80;
        if (!given("timeout")) hc.timeout = std::min(hc.interval, k_max_default_timeout);
        if (!given("recovery_threshold")) hc.recovery_threshold = hc.failure_threshold;
      }
      cfg_.checks.emplace(name, std::move(hc));
    });
  }

  void read_zones(const YAML::Node& node, const std::string& path, int line) {
    if (node.IsNull()) return;
    if (!node.IsSequence()) fail(ctx_, line, path, "expected a list of zones (- origin: ...)");
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node item = node[i];
      const std::string p = item_path(path, i);
      const int zline = line_of(item) ? line_of(item) : line;
      lines_.set(p, zline);
      zone_config z;
      z.pos = {ctx_.file, zline};
      std::vector<std::pair<const YAML::Node, std::string>> failover_nodes;
      read_section(section::zone, item, p, zline, &z, 0,
                   [&](const key_spec&, const YAML::Node& n, const std::string& fp, int fline) {
                     if (n.IsNull()) return;
                     if (!n.IsSequence()) fail(ctx_, fline, fp, "expected a list of failover records (- name: ...)");
                     failover_nodes.emplace_back(n, fp);
                   });
      // Failover names are relative to the origin, so read them after it.
      for (const auto& [n, fp] : failover_nodes)
        for (size_t j = 0; j < n.size(); ++j) z.failover.push_back(read_failover(n[j], item_path(fp, j), z.origin));
      cfg_.zones.push_back(std::move(z));
    }
  }

  failover_record read_failover(const YAML::Node& node, const std::string& path, const std::string& origin) {
    failover_record r;
    const int line = line_of(node);
    lines_.set(path, line);
    r.pos = {ctx_.file, line};
    read_section(section::failover, node, path, line, &r, 0,
                 [&](const key_spec& spec, const YAML::Node& n, const std::string& sp, int sline) {
                   failover_side& side = spec.key == "primary" ? r.primary : r.secondary;
                   side.pos = {ctx_.file, sline};
                   read_section(section::failover_side, n, sp, sline, &side);
                 });
    const std::string np = key_path(path, "name");
    try {
      r.name = absolute_name(r.name, origin);
    } catch (const std::invalid_argument& e) {
      fail(ctx_, lines_.line_of(np), np, std::string(e.what()) + ", got '" + r.name + "'");
    }
    return r;
  }

  read_context ctx_;
  line_index lines_;
  config cfg_;
};

}  // namespace

config load_config_text(std::string_view yaml_text, const std::string& path) {
  const std::filesystem::path abs = std::filesystem::absolute(path).lexically_normal();
  loader l(path, abs.parent_path().string());
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw config_error(path, e.mark.line >= 0 ? e.mark.line + 1 : 0, "(syntax)", "YAML syntax error: " + e.msg);
  }
  if (docs.size() > 1)
    throw config_error(path, line_of(docs[1]), "(syntax)", "expected one YAML document, got " + std::to_string(docs.size()));
  try {
    return l.run(docs.empty() ? YAML::Node() : docs[0], abs.string());
  } catch (const YAML::Exception& e) {
    throw config_error(path, e.mark.line >= 0 ? e.mark.line + 1 : 0, "(syntax)", e.msg);
  }
}

config load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(path, 0, "(file)", std::string("cannot read the config file: ") + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw config_error(path, 0, "(file)", "cannot read the config file");
  return load_config_text(ss.str(), path);
}

}  // namespace hadns::config
