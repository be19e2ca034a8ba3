// engine/zone/check_config.h -- validating a config file without serving it:
// load, compile every zone and failover entry, summarise. The one code path
// behind `hadnsd --check-config` and `hadnsctl check-config`.
#pragma once

#include <string>

namespace hadns::zone {

// Returns "FILE: ok (N zone(s), ...)"; throws config::config_error (file,
// line, key) or zone_file_error / std::exception with the reason.
std::string check_config_file(const std::string& path);

}  // namespace hadns::zone
