// engine/zone/check_config.cc -- see check_config.h.
#include "engine/zone/check_config.h"

#include "engine/config/loader.h"
#include "engine/live/live_table.h"
#include "engine/zone/compile.h"

namespace hadns::zone {

std::string check_config_file(const std::string& path) {
  config::config cfg = config::load_config(path);
  live::live_table slots;
  compiled c = compile(cfg, slots);
  size_t records = 0;
  for (const auto& z : c.zones) records += z.records;
  return path + ": ok (" + std::to_string(c.zones.size()) + " zone(s), " + std::to_string(records) +
         " record(s), " + std::to_string(c.bindings.size()) + " failover set(s), " +
         std::to_string(cfg.checks.size()) + " health check(s))";
}

}  // namespace hadns::zone
