// engine/config/validate.cc -- cross-key checks (see validate.h).
#include "engine/config/validate.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <vector>

extern "C" {  // libknot's headers have no C++ guards
#include <libknot/libknot.h>
}

#include "engine/config/dns_text.h"
#include "engine/config/node_reader.h"
#include "engine/config/schema.h"
#include "engine/config/values.h"

namespace hadns::config {
namespace {

constexpr uint16_t k_type_ns = 2;
constexpr uint16_t k_type_soa = 6;

[[noreturn]] void fail_at(const read_context& ctx, const std::string& path, const std::string& message) {
  fail(ctx, ctx.lines->line_of(path), path, message);
}

void check_timings(const health_check& hc, const read_context& ctx) {
  if (hc.type == check_type::calculated) return;
  if (hc.timeout > hc.interval)
    fail_at(ctx, "health_checks." + hc.name + ".timeout",
            "timeout " + format_duration(hc.timeout) + " is above the interval " + format_duration(hc.interval) +
                "; expected at most the interval");
}

void check_children(const config& cfg, const health_check& hc, const read_context& ctx) {
  if (hc.type != check_type::calculated) return;
  const std::string base = "health_checks." + hc.name;
  std::set<std::string> seen;
  for (size_t i = 0; i < hc.children.size(); ++i) {
    const std::string& child = hc.children[i];
    const std::string p = item_path(base + ".children", i);
    if (!cfg.checks.count(child))
      fail_at(ctx, p, "no health check named '" + child + "' is defined; expected the name of a check under health_checks");
    if (!seen.insert(child).second) fail_at(ctx, p, "'" + child + "' is listed twice; expected each child once");
  }
  if (hc.healthy_threshold > static_cast<int>(hc.children.size()))
    fail_at(ctx, base + ".healthy_threshold",
            "out of range: expected 0.." + std::to_string(hc.children.size()) + " (the number of children), got " +
                std::to_string(hc.healthy_threshold));
}

// Depth-first search over calculated checks; a grey node reached again
// closes a cycle, reported at the child entry that closes it.
class cycle_finder {
 public:
  cycle_finder(const config& cfg, const read_context& ctx) : cfg_(cfg), ctx_(ctx) {}

  void run() {
    for (const auto& [name, hc] : cfg_.checks) visit(name);
  }

 private:
  enum class mark { white, grey, black };

  void visit(const std::string& name) {
    mark& m = marks_[name];
    if (m == mark::black) return;
    m = mark::grey;
    stack_.push_back(name);
    const health_check& hc = cfg_.checks.at(name);
    for (size_t i = 0; i < hc.children.size(); ++i) {
      const std::string& child = hc.children[i];
      if (marks_[child] == mark::grey) {
        std::string cycle;
        bool in = false;
        for (const std::string& s : stack_) {
          in = in || s == child;
          if (in) cycle += s + " -> ";
        }
        fail_at(ctx_, item_path("health_checks." + name + ".children", i),
                "cycle of calculated checks: " + cycle + child + "; expected children that do not lead back");
      }
      visit(child);
    }
    stack_.pop_back();
    marks_[name] = mark::black;
  }

  const config& cfg_;
  const read_context& ctx_;
  std::map<std::string, mark> marks_;
  std::vector<std::string> stack_;
};

void check_side(const config& cfg, const failover_side& side, const std::string& path, bool primary,
                const read_context& ctx) {
  if (side.health_check.empty()) {
    if (primary)
      fail_at(ctx, path, "a primary needs a health_check; expected the name of a check under health_checks");
    return;
  }
  if (!cfg.checks.count(side.health_check))
    fail_at(ctx, path + ".health_check",
            "no health check named '" + side.health_check + "' is defined; expected the name of a check under health_checks");
}

// The owner as the wire sees it, lower-cased, so that "\\065pp.a.test."
// and "APP.a.test." are the same entry.
std::string owner_key(const std::string& name) {
  // libknot reads escapes (\DDD, \X) as the zone files do. The loader has
  // checked the name already; the text is only a fallback.
  knot_dname_t* wire = knot_dname_from_str(nullptr, name.c_str(), 0);
  if (!wire) return lower_case(name);
  knot_dname_to_lower(wire);
  std::string out(reinterpret_cast<const char*>(wire), knot_dname_size(wire));
  free(wire);
  return out;
}

void check_zone(const config& cfg, const zone_config& z, const std::string& path, const read_context& ctx) {
  std::map<std::pair<std::string, uint16_t>, size_t> sets;
  for (size_t j = 0; j < z.failover.size(); ++j) {
    const failover_record& r = z.failover[j];
    const std::string p = item_path(path + ".failover", j);
    if (r.qtype == k_type_soa || r.qtype == k_type_ns)
      fail_at(ctx, p + ".type", r.type + " cannot be a failover type; expected any other type (A, AAAA, TXT, MX, ...)");
    if (auto [it, fresh] = sets.emplace(std::make_pair(owner_key(r.name), r.qtype), j); !fresh)
      fail_at(ctx, p, "failover " + r.name + " " + r.type + " is already defined at line " +
                          std::to_string(z.failover[it->second].pos.line) + "; expected one entry per name and type");
    check_side(cfg, r.primary, p + ".primary", true, ctx);
    check_side(cfg, r.secondary, p + ".secondary", false, ctx);
  }
}

// The same (origin, allow_from prefix) twice, or two public zones with the
// same origin, would make the view choice ambiguous.
void check_views(const config& cfg, const read_context& ctx) {
  std::map<std::pair<std::string, std::string>, int> views;  // (origin, prefix or "") -> line
  for (size_t i = 0; i < cfg.zones.size(); ++i) {
    const zone_config& z = cfg.zones[i];
    const std::string p = item_path("zones", i);
    if (z.allow_from.empty()) {
      const std::string op = p + ".origin";
      if (auto [it, fresh] = views.emplace(std::make_pair(z.origin, ""), ctx.lines->line_of(op)); !fresh)
        fail_at(ctx, op, "public zone " + z.origin + " is already defined at line " + std::to_string(it->second) +
                             "; expected one public zone per origin (add allow_from for a private view)");
    }
    for (size_t k = 0; k < z.allow_from.size(); ++k) {
      const std::string ap = item_path(p + ".allow_from", k);
      if (auto [it, fresh] = views.emplace(std::make_pair(z.origin, z.allow_from[k].text), ctx.lines->line_of(ap)); !fresh)
        fail_at(ctx, ap, "zone " + z.origin + " with allow_from " + z.allow_from[k].text +
                             " is already defined at line " + std::to_string(it->second) +
                             "; expected each (origin, prefix) once");
    }
  }
}

}  // namespace

void validate(const config& cfg, const read_context& ctx) {
  for (const auto& [name, hc] : cfg.checks) {
    check_timings(hc, ctx);
    check_children(cfg, hc, ctx);
  }
  cycle_finder(cfg, ctx).run();
  for (size_t i = 0; i < cfg.zones.size(); ++i) check_zone(cfg, cfg.zones[i], item_path("zones", i), ctx);
  check_views(cfg, ctx);
}

}  // namespace hadns::config
