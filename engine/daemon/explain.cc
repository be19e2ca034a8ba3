// engine/daemon/explain.cc -- GET /explain: for a name, type and client
// address, which view and zone answer, what the answer is (produced by the
// real packet core on the live Snapshot), and for every failover record set
// in it which side is live, why, and the checks behind it.
#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <vector>

#include <fmt/core.h>

extern "C" {
#include <libknot/libknot.h>
}

#include "engine/config/dns_text.h"
#include "engine/core/answer.h"
#include "engine/core/answering_zone.h"
#include "engine/daemon/daemon.h"
#include "engine/zone/snapshot.h"
#include "engine/zone/zone_file.h"
#include "probes/status.h"
#include "probes/status_json.h"

namespace hadns::daemon {

namespace {

using json = nlohmann::json;

// Every RR of one section in presentation format.
json section_text(const knot_pkt_t* pkt, knot_section_t id, std::vector<std::pair<std::string, uint16_t>>* owners) {
  json out = json::array();
  const knot_pktsection_t* sec = knot_pkt_section(pkt, id);
  for (uint16_t i = 0; i < sec->count; ++i) {
    const knot_rrset_t* rr = knot_pkt_rr(sec, i);
    if (rr->type == KNOT_RRTYPE_OPT) continue;
    size_t size = 1024;  // knot_rrset_txt_dump grows it, but needs one to start with
    char* buf = static_cast<char*>(std::malloc(size));
    if (knot_rrset_txt_dump(rr, &buf, &size, &KNOT_DUMP_STYLE_DEFAULT) >= 0 && buf) {
      // One line per RR, tabs as single spaces.
      std::string line;
      for (const char* c = buf; *c; ++c) {
        if (*c == '\n') {
          if (!line.empty()) out.push_back(line);
          line.clear();
        } else if (*c == '\t' || *c == ' ') {
          if (!line.empty() && line.back() != ' ') line += ' ';
        } else {
          line += *c;
        }
      }
      if (!line.empty()) out.push_back(line);
    }
    std::free(buf);
    if (owners) {
      char name[KNOT_DNAME_TXT_MAXLEN + 1];
      if (knot_dname_to_str(name, rr->owner, sizeof name)) owners->emplace_back(config::lower_case(name), rr->type);
    }
  }
  return out;
}

}  // namespace

control::outcome daemon::explain(const std::string& name_in, const std::string& type_in, const std::string& from) {
  std::string name = name_in;
  if (name.empty() || name.back() != '.') name += '.';
  std::string type_name = type_in;
  for (auto& c : type_name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  uint16_t qtype = zone::type_from_name(type_name);
  if (qtype == 0) return {400, {{"error", fmt::format("unknown type '{}'", type_in)}}};

  core::client client;
  client.proto = core::transport::tcp;  // the whole answer, never truncated
  client.max_udp = 65535;
  if (inet_pton(AF_INET, from.c_str(), client.addr.data()) == 1) {
    client.family = AF_INET;
  } else if (inet_pton(AF_INET6, from.c_str(), client.addr.data()) == 1) {
    client.family = AF_INET6;
  } else {
    return {400, {{"error", fmt::format("'from' must be an IPv4 or IPv6 address, not '{}'", from)}}};
  }

  std::vector<uint8_t> qname;
  try {
    qname = zone::name_from_text(name);
  } catch (const std::exception& e) {
    return {400, {{"error", fmt::format("bad name '{}': {}", name_in, e.what())}}};
  }
  std::vector<uint8_t> query = {0x4a, 0x11, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  query.insert(query.end(), qname.begin(), qname.end());
  query.insert(query.end(), {uint8_t(qtype >> 8), uint8_t(qtype), 0, 1});

  std::shared_ptr<const zone::snapshot> snap = server_->snapshots().acquire();
  std::vector<uint8_t> out(65535);
  core::result res = core::answer(*snap, client, query, out);

  json j{{"query", {{"name", name}, {"type", zone::type_to_name(qtype)}, {"from", from}}}};

  // Which zone and view: asked of the packet core, for the same query.
  const zone::zone_table* zt = core::answering_zone(*snap, client, query);
  if (zt) {
    j["zone"] = zt->origin_text;
    j["view"] = zt->view;
  } else {
    j["zone"] = nullptr;
    j["view"] = nullptr;
  }

  if (res.act == core::action::drop) {
    j["rcode"] = "dropped";
    return {200, j};
  }
  std::vector<std::pair<std::string, uint16_t>> owners;
  knot_pkt_t* pkt = knot_pkt_new(out.data(), res.size, nullptr);
  if (pkt && knot_pkt_parse(pkt, 0) == KNOT_EOK) {
    const knot_lookup_t* rc = knot_lookup_by_id(knot_rcode_names, knot_wire_get_rcode(out.data()));
    j["rcode"] = rc ? rc->name : std::to_string(knot_wire_get_rcode(out.data()));
    j["aa"] = knot_wire_get_aa(out.data()) != 0;
    j["answer"] = section_text(pkt, KNOT_ANSWER, &owners);
    j["authority"] = section_text(pkt, KNOT_AUTHORITY, nullptr);
    j["additional"] = section_text(pkt, KNOT_ADDITIONAL, nullptr);
  } else {
    j["rcode"] = res.rcode;
  }
  knot_pkt_free(pkt);
  owners.emplace_back(config::lower_case(name), qtype);

  // Failover record sets behind the answer: the queried set itself and any
  // set the answer holds (a CNAME chain ending at it).
  probes::status_snapshot s = prober_->status();
  json fo = json::array();
  std::string view_key = (!zt || zt->view == "public") ? "" : zt->view;
  for (const auto& r : s.records) {
    if (!zt || r.key.origin != zt->origin_text || r.key.allow_from != view_key) continue;
    bool used = std::any_of(owners.begin(), owners.end(), [&](const auto& o) {
      return o.first == r.key.owner && (o.second == r.key.type || o.second == 255);
    });
    if (!used) continue;
    json rec{{"record", probes::record_text(r.key)},
             {"live", live::to_string(r.live)},
             {"since", probes::format_utc(r.since)},
             {"transitions", r.transitions},
             {"why", r.why}};
    json checks = json::array();
    for (const auto& [role, check] : {std::pair{"primary", r.primary_check}, std::pair{"secondary", r.secondary_check}}) {
      if (check.empty()) {
        checks.push_back({{"role", role}, {"check", nullptr}, {"state", "unchecked"}});
        continue;
      }
      json c{{"role", role}, {"check", check}};
      for (const auto& cs : s.checks) {
        if (cs.name != check) continue;
        c["state"] = probes::to_string(cs.state);
        if (cs.override_state) c["override"] = probes::to_string(cs.override_state->state);
        if (cs.last)
          c["last"] = {{"ok", probes::counted_ok(cs)}, {"raw_ok", cs.last->ok},
                       {"reason", cs.last->reason}, {"latency_ms", cs.last->latency_ms}};
      }
      checks.push_back(c);
    }
    rec["checks"] = checks;
    fo.push_back(rec);
  }
  j["failover"] = fo;
  return {200, j};
}

}  // namespace hadns::daemon
