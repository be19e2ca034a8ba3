// engine/config/node_reader.cc -- YAML node -> schema value, with file:line
// errors (see node_reader.h).
#include "engine/config/node_reader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "engine/config/dns_text.h"
#include "engine/config/values.h"

namespace hadns::config {
namespace {

const char* node_kind(const YAML::Node& n) {
  if (n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a map";
  return "a scalar";
}

std::string got(const YAML::Node& n) {
  if (n.IsScalar()) return "got '" + n.Scalar() + "'";
  return std::string("got ") + node_kind(n);
}

// A value's own line; an empty value ("timeout:") has no useful mark of its
// own (yaml-cpp points past it), so its key's line stands in.
int value_line(const YAML::Node& node, int fallback) {
  if (node.IsNull()) return fallback;
  const int l = line_of(node);
  return l > 0 ? l : fallback;
}

// Scalar text or an error saying what `spec` expects.
const std::string& scalar(const read_context& ctx, const key_spec& spec, const YAML::Node& node,
                          const std::string& path, int line) {
  if (!node.IsScalar()) fail(ctx, value_line(node, line), path, "expected " + expected_text(spec) + ", " + got(node));
  return node.Scalar();
}

int64_t integer_in_range(const read_context& ctx, const key_spec& spec, const std::string& text,
                         const std::string& path, int line) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || ptr != end)
    fail(ctx, line, path, "expected " + expected_text(spec) + ", got '" + text + "'");
  if (v < spec.min || v > spec.max)
    fail(ctx, line, path, "out of range: expected " + expected_text(spec) + ", got " + text);
  return v;
}

// Each item of a list node; a scalar where a list is expected is an error.
template <class Fn>
void for_each_item(const read_context& ctx, const key_spec& spec, const YAML::Node& node,
                   const std::string& path, int line, bool non_empty, Fn fn) {
  if (!node.IsSequence()) fail(ctx, value_line(node, line), path, "expected " + expected_text(spec) + ", " + got(node));
  if (non_empty && node.size() == 0) fail(ctx, value_line(node, line), path, "expected " + expected_text(spec) + ", got an empty list");
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string p = item_path(path, i);
    const int l = value_line(item, line);
    ctx.lines->set(p, l);
    if (!item.IsScalar()) {
      const bool unquoted_v6 = item.IsSequence() && spec.kind == value_kind::endpoint_list;
      fail(ctx, l, p, "expected " + expected_text(spec) + ", " + got(item) + " in the list" +
                          (unquoted_v6 ? " (quote IPv6 endpoints: \"[::1]:53\")" : ""));
    }
    try {
      fn(item.Scalar(), p, l);
    } catch (const std::invalid_argument& e) {
      fail(ctx, l, p, std::string(e.what()) + ", got '" + item.Scalar() + "'");
    }
  }
}

}  // namespace

int line_index::line_of(std::string path) const {
  while (!path.empty()) {
    if (auto it = lines_.find(path); it != lines_.end()) return it->second;
    const size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return 0;
}

std::string key_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string item_path(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

int line_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

void fail(const read_context& ctx, int line, const std::string& key, const std::string& message) {
  throw config_error(ctx.file, line, key, message);
}

void for_each_entry(const read_context& ctx, const YAML::Node& node, const std::string& path,
                    const std::function<void(const std::string&, const YAML::Node&, const YAML::Node&)>& fn) {
  if (node.IsNull()) return;
  if (!node.IsMap())
    fail(ctx, line_of(node), path.empty() ? "(top)" : path, std::string("expected a map of keys, ") + got(node));
  std::map<std::string, int> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies: the iterator's pair is a temporary proxy.
    const YAML::Node k = it->first;
    const YAML::Node v = it->second;
    const int line = line_of(k);
    if (!k.IsScalar()) fail(ctx, line, path.empty() ? "(top)" : path, std::string("expected a plain key, got ") + node_kind(k));
    const std::string& key = k.Scalar();
    const std::string p = key_path(path, key);
    if (auto [s, fresh] = seen.emplace(key, line); !fresh)
      fail(ctx, line, p, "duplicate key (first at line " + std::to_string(s->second) + "); expected each key once");
    ctx.lines->set(p, line);
    fn(key, k, v);
  }
}

value read_value(const read_context& ctx, const key_spec& spec, const YAML::Node& node,
                 const std::string& path, int line) {
  value v;
  const int vline = value_line(node, line);
  try {
    switch (spec.kind) {
      case value_kind::integer:
        v.integer = integer_in_range(ctx, spec, scalar(ctx, spec, node, path, line), path, vline);
        break;
      case value_kind::shards: {
        const std::string& s = scalar(ctx, spec, node, path, line);
        v.integer = s == "auto" ? 0 : integer_in_range(ctx, spec, s, path, vline);
        break;
      }
      case value_kind::duration: {
        const std::string& s = scalar(ctx, spec, node, path, line);
        try {
          v.duration = parse_duration(s);
        } catch (const std::invalid_argument&) {
          fail(ctx, vline, path, "expected " + expected_text(spec) + ", got '" + s + "'");
        }
        if (v.duration.count() < spec.min || v.duration.count() > spec.max)
          fail(ctx, vline, path, "out of range: expected " + expected_text(spec) + ", got " + s);
        break;
      }
      case value_kind::boolean: {
        const std::string& s = scalar(ctx, spec, node, path, line);
        if (!YAML::convert<bool>::decode(node, v.boolean))
          fail(ctx, vline, path, "expected true or false, got '" + s + "'");
        break;
      }
      case value_kind::string:
      case value_kind::dns_name: {
        v.text = scalar(ctx, spec, node, path, line);
        const auto n = static_cast<int64_t>(v.text.size());
        if (n < std::max<int64_t>(spec.min, 1) || (spec.max && n > spec.max))
          fail(ctx, vline, path, "expected " + expected_text(spec) + ", got " + std::to_string(n) + " bytes");
        break;
      }
      case value_kind::path: {
        const std::string& s = scalar(ctx, spec, node, path, line);
        if (s.empty()) fail(ctx, vline, path, "expected " + expected_text(spec) + ", got an empty string");
        std::filesystem::path p(s);
        if (p.is_relative()) p = std::filesystem::path(ctx.dir) / p;
        v.text = p.lexically_normal().string();
        break;
      }
      case value_kind::choice: {
        v.text = scalar(ctx, spec, node, path, line);
        const std::string wrapped = "|" + std::string(spec.choices) + "|";
        if (v.text.empty() || v.text.find('|') != std::string::npos || wrapped.find("|" + v.text + "|") == std::string::npos)
          fail(ctx, vline, path, "expected " + expected_text(spec) + ", got '" + v.text + "'");
        break;
      }
      case value_kind::ip_address:
        v.text = scalar(ctx, spec, node, path, line);
        if (!is_ip_address(v.text)) fail(ctx, vline, path, "expected " + expected_text(spec) + ", got '" + v.text + "'");
        break;
      case value_kind::endpoint: {
        const std::string& s = scalar(ctx, spec, node, path, line);
        if (s != "off") v.single_endpoint = parse_endpoint(s);
        break;
      }
      case value_kind::rr_type:
        v.rr_type = parse_rr_type(scalar(ctx, spec, node, path, line), v.text);
        break;
      case value_kind::endpoint_list:
        for_each_item(ctx, spec, node, path, line, true, [&](const std::string& s, const std::string&, int) {
          v.endpoints.push_back(parse_endpoint(s));
        });
        break;
      case value_kind::prefix_list:
        for_each_item(ctx, spec, node, path, line, false, [&](const std::string& s, const std::string&, int) {
          v.prefixes.push_back(parse_prefix(s));
        });
        break;
      case value_kind::name_list:
      case value_kind::value_list:
        for_each_item(ctx, spec, node, path, line, true, [&](const std::string& s, const std::string& p, int l) {
          if (s.empty()) fail(ctx, l, p, "expected " + expected_text(spec) + ", got an empty string");
          v.texts.push_back(s);
        });
        break;
      case value_kind::map:
      case value_kind::check_map:
      case value_kind::zone_list:
      case value_kind::failover_list:
        throw std::logic_error("read_value on a nested section");
    }
  } catch (const std::invalid_argument& e) {
    const std::string shown = node.IsScalar() ? ", got '" + node.Scalar() + "'" : "";
    fail(ctx, vline, path, e.what() + shown);
  }
  return v;
}

}  // namespace hadns::config
