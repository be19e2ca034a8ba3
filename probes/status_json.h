// probes/status_json.h -- the probes' part of GET /status as JSON, in the
// shape design.md gives: checks.NAME {state, override {state, until}, last
// {ok, reason, latency_ms, at}, since} and records[] {zone, view, name, type,
// live, since, transitions}. The control listener adds `config`. last.ok is
// the result as the thresholds counted it (after `invert`); last.raw_ok is
// the probe's own result.
#pragma once

#include <nlohmann/json.hpp>

#include "probes/status.h"

namespace hadns::probes {

nlohmann::json checks_json(const status_snapshot& s);   // the "checks" object
nlohmann::json records_json(const status_snapshot& s);  // the "records" array

// Parses format_utc's output (and any "YYYY-MM-DDTHH:MM:SS[.fff]Z").
// Returns false when `text` is not such a time.
bool parse_utc(const std::string& text, wall_time& out);

}  // namespace hadns::probes
