// engine/config/dns_text.cc -- origins, owner names and type mnemonics,
// using engine/wire's type table so mnemonics match the zone file reader.
#include "engine/config/dns_text.h"

#include <cctype>
#include <stdexcept>

#include "engine/wire/header.h"
#include "engine/wire/rr_type.h"

namespace hadns::config {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Checks label lengths and total wire length of an absolute name in
// presentation form (escapes "\." and "\DDD" count as one octet).
void check_name_syntax(std::string_view name) {
  const char* const expected = "expected a domain name (labels of 1..63 octets, 255 octets in all)";
  if (name == ".") return;
  if (name.empty() || name.back() != '.') throw std::invalid_argument(expected);
  size_t wire = 1;
  size_t label = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (std::isspace(static_cast<unsigned char>(c)) || !std::isprint(static_cast<unsigned char>(c)))
      throw std::invalid_argument(expected);
    if (c == '\\') {
      if (i + 1 >= name.size()) throw std::invalid_argument(expected);
      if (std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
        if (i + 3 >= name.size() || !std::isdigit(static_cast<unsigned char>(name[i + 2])) ||
            !std::isdigit(static_cast<unsigned char>(name[i + 3])))
          throw std::invalid_argument(expected);
        i += 3;
      } else {
        i += 1;
      }
      ++label;
    } else if (c == '.') {
      if (label == 0 || label > 63) throw std::invalid_argument(expected);
      wire += label + 1;
      label = 0;
    } else {
      ++label;
    }
  }
  if (wire > 255) throw std::invalid_argument(expected);
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

}  // namespace

std::string normalize_origin(std::string_view text) {
  std::string out(text);
  if (out.empty() || out.back() != '.') out += '.';
  check_name_syntax(out);
  return lower_case(out);
}

bool is_at_or_below(std::string_view name, std::string_view origin) {
  if (origin == ".") return !name.empty() && name.back() == '.';
  if (name.size() < origin.size()) return false;
  const std::string_view tail = name.substr(name.size() - origin.size());
  if (!iequal(tail, origin)) return false;
  if (name.size() == origin.size()) return true;
  // The character before the tail must be an unescaped label separator.
  const size_t dot = name.size() - origin.size() - 1;
  if (name[dot] != '.') return false;
  size_t backslashes = 0;
  for (size_t i = dot; i > 0 && name[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

std::string absolute_name(std::string_view text, std::string_view origin) {
  if (text == "@") return std::string(origin);
  std::string name(text);
  const bool absolute = !name.empty() && name.back() == '.' &&
                        !(name.size() >= 2 && name[name.size() - 2] == '\\');
  if (!absolute) {
    name += '.';
    if (origin != ".") name += origin;
  }
  check_name_syntax(name);
  if (!is_at_or_below(name, origin))
    throw std::invalid_argument("expected a name at or below the origin " + std::string(origin) +
                                " (relative, or absolute with a trailing dot)");
  return name;
}

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

uint16_t parse_rr_type(std::string_view text, std::string& canonical) {
  const char* const expected = "expected a type mnemonic like A, AAAA, TXT, MX or TYPEnnn";
  uint16_t type = wire::type_from_name(text);
  if (type == 0) throw std::invalid_argument(expected);
  if (wire::is_meta_type(type)) throw std::invalid_argument("a meta type cannot be served; " + std::string(expected));
  canonical = wire::type_to_name(type);
  return type;
}

}  // namespace hadns::config
