// engine/zone/names.cc -- domain names between presentation and wire form
// (the helpers declared in zone_file.h).
//
// Names: RFC 1035 section 5.1 escapes (\X and \DDD) both ways, labels of at
// most 63 bytes, names of at most 255. Type mnemonics are engine/wire's.
#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

#include "engine/zone/zone_file.h"

namespace hadns::zone {

namespace {

[[noreturn]] void bad_name(std::string_view text, const char* why) {
  throw std::invalid_argument("bad domain name '" + std::string(text) + "': " + why);
}

// True for bytes that must be escaped in a label's presentation form.
bool needs_escape(uint8_t c) {
  switch (c) {
    case '.': case '\\': case '"': case '(': case ')': case ';':
    case '@': case '$': case ' ':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<uint8_t> name_from_text(std::string_view text) {
  std::vector<uint8_t> wire;
  if (text.empty()) bad_name(text, "empty");
  if (text == ".") return {0};
  wire.reserve(text.size() + 2);
  size_t label_start = 0;  // index of the current label's length byte
  wire.push_back(0);
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      size_t len = wire.size() - label_start - 1;
      if (len == 0) bad_name(text, "empty label");
      wire[label_start] = static_cast<uint8_t>(len);
      ++i;
      if (i == text.size()) break;  // trailing dot: absolute name
      label_start = wire.size();
      wire.push_back(0);
      continue;
    }
    uint8_t byte = static_cast<uint8_t>(c);
    if (c == '\\') {
      if (i + 1 >= text.size()) bad_name(text, "dangling backslash");
      if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
        if (i + 3 >= text.size() ||
            !std::isdigit(static_cast<unsigned char>(text[i + 2])) ||
            !std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
          bad_name(text, "\\DDD needs three digits");
        }
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) bad_name(text, "\\DDD above 255");
        byte = static_cast<uint8_t>(v);
        i += 4;
      } else {
        byte = static_cast<uint8_t>(text[i + 1]);
        i += 2;
      }
    } else {
      ++i;
    }
    wire.push_back(byte);
    if (wire.size() - label_start - 1 > 63) bad_name(text, "label longer than 63 bytes");
  }
  // Close the last label and add the root (a name written without its
  // trailing dot is taken as absolute too).
  wire[label_start] = static_cast<uint8_t>(wire.size() - label_start - 1);
  wire.push_back(0);
  if (wire.size() > 255) bad_name(text, "name longer than 255 bytes");
  return wire;
}

std::string name_to_text(const uint8_t* wire, size_t len) {
  std::string out;
  size_t i = 0;
  while (i < len) {
    uint8_t l = wire[i++];
    if (l == 0) break;
    if (l > 63 || i + l > len) break;  // not a plain uncompressed name: stop
    for (size_t k = 0; k < l; ++k) {
      uint8_t c = wire[i + k];
      if (needs_escape(c)) {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c < 0x21 || c > 0x7e) {
        char buf[5];
        buf[0] = '\\';
        buf[1] = static_cast<char>('0' + c / 100);
        buf[2] = static_cast<char>('0' + (c / 10) % 10);
        buf[3] = static_cast<char>('0' + c % 10);
        buf[4] = 0;
        out.append(buf, 4);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
    i += l;
  }
  if (out.empty()) out.push_back('.');
  return out;
}

}  // namespace hadns::zone
