// engine/zone/zone_file.cc -- reading master files and failover values with
// libzscanner.
//
// libzscanner does the RFC 1035 syntax ($ORIGIN, $TTL, $INCLUDE relative to
// the including file, parentheses, every type it knows, RFC 3597 \#). This
// file drives it, keeps file and line of every record, and applies the
// checks each record can fail on its own (class IN, data inside the origin,
// one SOA and at the apex); zone_checks.cc has the checks that need the
// whole file (CNAME and other data, duplicates).
extern "C" {  // these libknot and libzscanner headers have no C++ guards
#include <libknot/descriptor.h>
#include <libzscanner/error.h>
#include <libzscanner/scanner.h>
}

#include <cctype>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "engine/zone/record_table.h"
#include "engine/zone/zone_checks.h"
#include "engine/zone/zone_file.h"

namespace hadns::zone {

namespace {

struct scanner_deleter {
  void operator()(zs_scanner_t* s) const {
    zs_deinit(s);
    delete s;
  }
};
using scanner_ptr = std::unique_ptr<zs_scanner_t, scanner_deleter>;

// libzscanner reports the line a record ends on. To name the line it starts
// on (the one an operator looks for in a multi-line SOA), a cursor walks each
// file's text forward from the end of the previous record, skipping blank
// lines, comment lines and directives.
struct line_cursor {
  const zs_scanner_t* scanner = nullptr;
  const char* base = nullptr;
  const char* end = nullptr;
  const char* pos = nullptr;  // start of line `line`
  uint64_t line = 1;
};

bool skippable_line(const char* p, const char* end) {
  if (p < end && *p == '$') return true;  // $ORIGIN, $TTL, $INCLUDE
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  return p == end || *p == '\n' || *p == '\r' || *p == ';';
}

const char* next_line(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
  return nl ? static_cast<const char*>(nl) + 1 : end;
}

struct load_state {
  std::string top_file;
  std::vector<uint8_t> origin;  // lower-cased wire
  record_table table;
  uint16_t last_file = 0;  // the file of the previous record
  std::vector<line_cursor> cursors;
  bool failed = false;
  std::string err_file;
  int err_line = 0;
  std::string err_message;
  size_t soa_index = SIZE_MAX;

  uint16_t file_index(const char* name) {
    std::string_view n = name ? std::string_view(name) : std::string_view(top_file);
    if (!table.files.empty() && table.files[last_file] == n) return last_file;
    size_t i = 0;
    while (i < table.files.size() && table.files[i] != n) ++i;
    if (i == table.files.size()) {
      if (i > 0xFFFF) throw std::length_error("more than 65535 zone files");
      table.files.emplace_back(n);
    }
    last_file = static_cast<uint16_t>(i);
    return last_file;
  }

  void fail(std::string file, int line, std::string message) {
    if (failed) return;
    failed = true;
    err_file = std::move(file);
    err_line = line;
    err_message = std::move(message);
  }

  line_cursor& cursor_for(const zs_scanner_t* s) {
    for (auto& c : cursors) {
      if (c.scanner == s && c.base == s->input.start) return c;
    }
    for (auto& c : cursors) {
      if (c.scanner == s) {  // a freed include scanner's address reused
        c = line_cursor{};
        c.scanner = s;
        c.base = c.pos = s->input.start;
        c.end = s->input.end;
        return c;
      }
    }
    line_cursor c;
    c.scanner = s;
    c.base = c.pos = s->input.start;
    c.end = s->input.end;
    cursors.push_back(c);
    return cursors.back();
  }

  // The first line of the record that ends on `end_line`.
  int start_line(const zs_scanner_t* s, uint64_t end_line) {
    if (s->input.start == nullptr) return static_cast<int>(end_line);
    line_cursor& c = cursor_for(s);
    while (c.line < end_line && c.pos < c.end && skippable_line(c.pos, c.end)) {
      c.pos = next_line(c.pos, c.end);
      ++c.line;
    }
    uint64_t start = c.line < end_line ? c.line : end_line;
    while (c.line <= end_line && c.pos < c.end) {
      c.pos = next_line(c.pos, c.end);
      ++c.line;
    }
    return static_cast<int>(start);
  }
};

void lower_name(uint8_t* wire, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    if (wire[i] >= 'A' && wire[i] <= 'Z') wire[i] = static_cast<uint8_t>(wire[i] + 32);
  }
}

// True if `name` equals `origin` or lies below it (both lower-cased wire).
bool in_zone(const uint8_t* name, size_t len, const std::vector<uint8_t>& origin) {
  if (len < origin.size()) return false;
  size_t skip = len - origin.size();
  size_t i = 0;
  while (i < skip) i += name[i] + 1u;  // walk labels to a boundary
  return i == skip && std::memcmp(name + skip, origin.data(), origin.size()) == 0;
}

std::string class_name(uint16_t rclass) {
  char buf[32];
  if (knot_rrclass_to_string(rclass, buf, sizeof buf) < 0) return "CLASS" + std::to_string(rclass);
  return buf;
}

std::string where(const record_table& t, const record_row& r) {
  return t.files[r.file] + ":" + std::to_string(r.line);
}

void on_record(zs_scanner_t* s) {
  auto* st = static_cast<load_state*>(s->process.data);
  if (st->failed) {
    s->state = ZS_STATE_STOP;
    return;
  }
  record_table& t = st->table;
  record_row r;
  r.file = st->file_index(s->file.name);
  r.line = st->start_line(s, s->line_counter);
  r.type = s->r_type;
  r.ttl = s->r_ttl;
  // The owner, lower-cased; a row repeating the previous owner shares it.
  uint8_t owner[256];
  size_t olen = s->r_owner_length;
  std::memcpy(owner, s->r_owner, olen);
  lower_name(owner, olen);
  if (!t.rows.empty() && t.rows.back().owner_len == olen &&
      std::memcmp(t.names.data() + t.rows.back().owner, owner, olen) == 0) {
    r.owner = t.rows.back().owner;
  } else {
    if (t.names.size() + olen > 0xFFFFFFFFu) throw std::length_error("zone too large");
    r.owner = static_cast<uint32_t>(t.names.size());
    t.names.append(owner, olen);
  }
  r.owner_len = static_cast<uint8_t>(olen);
  if (t.rdata.size() + s->r_data_length > 0xFFFFFFFFu) throw std::length_error("zone too large");
  r.rdata = static_cast<uint32_t>(t.rdata.size());
  r.rdata_len = static_cast<uint16_t>(s->r_data_length);
  t.rdata.append(s->r_data, s->r_data_length);

  const std::string& file = t.files[r.file];
  auto owner_text = [&] { return name_to_text(owner, olen); };
  if (s->r_class != KNOT_CLASS_IN) {
    st->fail(file, r.line, "class " + class_name(s->r_class) + " is not supported (IN only)");
  } else if (!in_zone(owner, olen, st->origin)) {
    st->fail(file, r.line,
             "owner " + owner_text() + " is outside the zone " +
                 name_to_text(st->origin.data(), st->origin.size()));
  } else if (r.type == KNOT_RRTYPE_SOA &&
             (olen != st->origin.size() || std::memcmp(owner, st->origin.data(), olen) != 0)) {
    st->fail(file, r.line, "SOA at " + owner_text() + " is not at the zone apex " +
                                 name_to_text(st->origin.data(), st->origin.size()));
  } else if (r.type == KNOT_RRTYPE_SOA && st->soa_index != SIZE_MAX) {
    st->fail(file, r.line, "second SOA record (the first is at " +
                                 where(t, t.rows[st->soa_index]) + ")");
  }
  if (st->failed) {
    s->state = ZS_STATE_STOP;
    return;
  }
  if (r.type == KNOT_RRTYPE_SOA) st->soa_index = t.rows.size();
  t.rows.push_back(r);
}

// libzscanner knows class IN only and calls any other class word an
// unsupported type; name the class instead when the line has one.
std::string foreign_class(std::string_view line) {
  line = line.substr(0, line.find(';'));
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t j = i;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
    std::string word(line.substr(i, j - i));
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (word == "CH" || word == "HS" || word == "CS" || word == "NONE" ||
        (word.size() > 5 && word.compare(0, 5, "CLASS") == 0 &&
         word.find_first_not_of("0123456789", 5) == std::string::npos)) {
      return word;
    }
    i = j;
  }
  return {};
}

// The text of line `line` of the scanner's input, or empty.
std::string_view line_text(const zs_scanner_t* s, uint64_t line) {
  if (s->input.start == nullptr) return {};
  const char* p = s->input.start;
  const char* end = s->input.end;
  for (uint64_t n = 1; n < line && p < end; ++n) p = next_line(p, end);
  const char* e = p;
  while (e < end && *e != '\n') ++e;
  return {p, static_cast<size_t>(e - p)};
}

void on_error(zs_scanner_t* s) {
  auto* st = static_cast<load_state*>(s->process.data);
  std::string message = zs_strerror(s->error.code);
  switch (s->error.code) {
    case ZS_UNSUPPORTED_TYPE: {
      std::string cls = foreign_class(line_text(s, s->line_counter));
      if (!cls.empty()) message = "class " + cls + " is not supported (IN only)";
      break;
    }
    case ZS_FILE_OPEN:
    case ZS_FILE_ACCESS:
    case ZS_FILE_INVALID:
    case ZS_UNOPENED_INCLUDE:
    case ZS_BAD_INCLUDE_FILENAME:
      message += std::string(" (include '") + s->include_filename + "')";
      break;
    default:
      break;
  }
  st->fail(s->file.name ? s->file.name : st->top_file, static_cast<int>(s->line_counter),
           message);
  s->state = ZS_STATE_STOP;
}

scanner_ptr new_scanner(const std::string& origin, uint32_t ttl) {
  scanner_ptr s(new zs_scanner_t);
  if (zs_init(s.get(), origin.c_str(), KNOT_CLASS_IN, ttl) != 0) {
    std::string message = zs_strerror(s->error.code);
    zs_deinit(s.get());
    s.release();
    throw std::invalid_argument("bad origin '" + origin + "': " + message);
  }
  return s;
}

std::string absolute(std::string_view name) {
  std::string out(name);
  if (out.empty() || out.back() != '.') out.push_back('.');
  return out;
}

}  // namespace

record_table load_zone_table(const std::string& path, std::string_view origin) {
  load_state st;
  st.top_file = path;
  std::string origin_text = absolute(origin);
  try {
    st.origin = name_from_text(origin_text);
  } catch (const std::invalid_argument& e) {
    throw zone_file_error(path, 0, e.what());
  }
  lower_name(st.origin.data(), st.origin.size());

  scanner_ptr s;
  try {
    s = new_scanner(origin_text, 3600);
  } catch (const std::invalid_argument& e) {
    throw zone_file_error(path, 0, e.what());
  }
  if (zs_set_input_file(s.get(), path.c_str()) != 0) {
    throw zone_file_error(path, 0, std::string("cannot read the zone file: ") +
                                       zs_strerror(s->error.code));
  }
  // Reserve generously for the whole file at once, so that the arrays do
  // not grow by copying: pages never written are never resident.
  if (s->input.start && s->input.end > s->input.start) {
    size_t bytes = static_cast<size_t>(s->input.end - s->input.start);
    st.table.rows.reserve(bytes / 12 + 16);
    st.table.names.reserve(bytes * 2 + 256);
    st.table.rdata.reserve(bytes + 64);
  }
  zs_set_processing(s.get(), on_record, on_error, &st);
  int rc = zs_parse_all(s.get());
  if (st.failed) throw zone_file_error(st.err_file, st.err_line, st.err_message);
  if (rc != 0) {
    throw zone_file_error(path, static_cast<int>(s->line_counter), zs_strerror(s->error.code));
  }
  s.reset();
  record_table& t = st.table;
  if (st.soa_index == SIZE_MAX) {
    throw zone_file_error(path, t.rows.empty() ? 1 : t.rows[0].line,
                          "no SOA record at the zone apex " + origin_text);
  }
  check_zone_records(t);  // throws zone_file_error
  return std::move(st.table);
}

std::vector<record> load_zone_file(const std::string& path, std::string_view origin) {
  record_table t = load_zone_table(path, origin);
  std::vector<record> out;
  out.reserve(t.rows.size());
  for (const record_row& row : t.rows) {
    record r;
    auto owner = t.owner(row);
    auto data = t.data(row);
    r.owner.assign(owner.begin(), owner.end());
    r.type = row.type;
    r.ttl = row.ttl;
    r.rdata.assign(data.begin(), data.end());
    r.line = row.line;
    r.file = t.files[row.file];
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// What the presentation format of `type` looks like, for error messages.
std::string expected_format(uint16_t type, const std::string& name) {
  switch (type) {
    case KNOT_RRTYPE_A: return "an IPv4 address, e.g. 192.0.2.1";
    case KNOT_RRTYPE_AAAA: return "an IPv6 address, e.g. 2001:db8::1";
    case KNOT_RRTYPE_NS:
    case KNOT_RRTYPE_CNAME:
    case KNOT_RRTYPE_PTR:
    case KNOT_RRTYPE_DNAME:
      return "a domain name, relative to the origin or absolute with a trailing dot, e.g. www";
    case KNOT_RRTYPE_MX: return "a preference and a mail exchange, e.g. 10 mail";
    case KNOT_RRTYPE_TXT:
    case KNOT_RRTYPE_SPF:
      return "one or more quoted strings, e.g. \"v=spf1 -all\" (keep the quotes inside the "
             "YAML string)";
    case KNOT_RRTYPE_SRV: return "priority weight port target, e.g. 10 5 443 host";
    case KNOT_RRTYPE_CAA: return "flags tag value, e.g. 0 issue \"ca.example\"";
    case KNOT_RRTYPE_NAPTR:
      return "order preference flags service regexp replacement, e.g. "
             "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .";
    case KNOT_RRTYPE_DS: return "key tag, algorithm, digest type and hex digest";
    case KNOT_RRTYPE_SSHFP: return "algorithm, fingerprint type and hex fingerprint";
    case KNOT_RRTYPE_TLSA: return "usage selector matching-type and hex data, e.g. 3 1 1 ab12...";
    case KNOT_RRTYPE_SVCB:
    case KNOT_RRTYPE_HTTPS: return "priority target params, e.g. 1 . alpn=h2";
    case KNOT_RRTYPE_SOA: return "mname rname serial refresh retry expire minimum";
    default:
      return "the presentation format of " + name + ", or RFC 3597 \\# LENGTH HEX";
  }
}

}  // namespace

std::vector<record> parse_values(std::string_view origin, std::string_view owner,
                                 std::string_view type, uint32_t ttl,
                                 const std::vector<std::string>& values) {
  uint16_t qtype = type_from_name(type);
  std::string type_text(type);
  if (qtype == 0 || knot_rrtype_is_metatype(qtype)) {
    throw std::invalid_argument("'" + type_text + "' is not a record type");
  }
  std::string origin_text = absolute(origin);
  std::string owner_text = absolute(owner);
  std::vector<record> out;
  for (const std::string& value : values) {
    auto invalid = [&](const std::string& why) {
      return std::invalid_argument("value '" + value + "' is not valid " + type_text + " data (" +
                                   why + "); expected " + expected_format(qtype, type_text));
    };
    if (value.find_first_of("\n\r") != std::string::npos) throw invalid("line break in value");
    std::string text = owner_text + " " + std::to_string(ttl) + " IN " + type_text + " " + value + "\n";
    scanner_ptr s = new_scanner(origin_text, ttl);
    if (zs_set_input_string(s.get(), text.data(), text.size()) != 0) {
      throw invalid(zs_strerror(s->error.code));
    }
    int found = 0;
    for (;;) {
      if (zs_parse_record(s.get()) != 0 && s->state != ZS_STATE_ERROR) {
        throw invalid(zs_strerror(s->error.code));
      }
      if (s->state == ZS_STATE_ERROR) throw invalid(zs_strerror(s->error.code));
      if (s->state == ZS_STATE_INCLUDE) throw invalid("directive in value");
      if (s->state == ZS_STATE_EOF || s->state == ZS_STATE_STOP) break;
      if (s->state != ZS_STATE_DATA) continue;
      if (++found > 1) throw invalid("more than one record");
      if (s->r_type != qtype) throw invalid("parsed as type " + type_to_name(s->r_type));
      record r;
      r.owner.assign(s->r_owner, s->r_owner + s->r_owner_length);
      lower_name(r.owner.data(), r.owner.size());
      r.type = s->r_type;
      r.ttl = s->r_ttl;
      r.rdata.assign(s->r_data, s->r_data + s->r_data_length);
      out.push_back(std::move(r));
    }
    if (found == 0) throw invalid("empty value");
  }
  return out;
}

}  // namespace hadns::zone
