// tools/hadnsctl/status_table.h -- turns /status and /explain JSON into the
// readable text an operator reads in a terminal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hadns::ctl {

std::string format_status(const nlohmann::json& status);
std::string format_explain(const nlohmann::json& explain);

}  // namespace hadns::ctl
