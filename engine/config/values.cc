// engine/config/values.cc -- durations, addresses, endpoints and prefixes.
#include "engine/config/values.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace hadns::config {
namespace {

// Parses all of `text` as a decimal number without sign; false on anything
// else (empty, junk, overflow past `max`).
bool parse_decimal(std::string_view text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (max - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = v;
  return true;
}

// inet_pton on a string_view; fills `bytes` (16) and returns the family or 0.
int parse_address(std::string_view text, uint8_t* bytes) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return 0;
  char buf[INET6_ADDRSTRLEN];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::memset(bytes, 0, 16);
  if (inet_pton(AF_INET, buf, bytes) == 1) return AF_INET;
  if (inet_pton(AF_INET6, buf, bytes) == 1) return AF_INET6;
  return 0;
}

std::string address_text(int family, const uint8_t* bytes) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(family, bytes, buf, sizeof buf)) return {};
  return buf;
}

bool is_v4_mapped(const uint8_t* a) {
  static const uint8_t k_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a, k_prefix, 12) == 0;
}

const char* const k_duration_expected = "expected a duration like 250ms, 10s, 2m or 1h";

}  // namespace

millis parse_duration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view number = text.substr(0, digits);
  const std::string_view unit = text.substr(digits);
  int64_t scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60 * 1000;
  else if (unit == "h") scale = 60 * 60 * 1000;
  uint64_t v = 0;
  const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / (scale ? scale : 1));
  if (scale == 0 || !parse_decimal(number, max, v)) throw std::invalid_argument(k_duration_expected);
  return millis{static_cast<int64_t>(v) * scale};
}

std::string format_duration(millis d) {
  const int64_t ms = d.count();
  if (ms != 0 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

bool is_ip_address(std::string_view text) {
  uint8_t bytes[16];
  return parse_address(text, bytes) != 0;
}

endpoint parse_endpoint(std::string_view text) {
  const char* const expected = "expected IPv4:port or [IPv6]:port, port 1..65535";
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw std::invalid_argument(expected);
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) throw std::invalid_argument(expected);
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      throw std::invalid_argument("an IPv6 endpoint needs brackets: [IPv6]:port");
  }
  endpoint e;
  e.family = parse_address(host, e.addr.data());
  const bool bracketed = !text.empty() && text.front() == '[';
  if (e.family == 0 || (bracketed != (e.family == AF_INET6))) throw std::invalid_argument(expected);
  uint64_t p = 0;
  if (!parse_decimal(port, 65535, p) || p == 0) throw std::invalid_argument(expected);
  e.port = static_cast<uint16_t>(p);
  e.text = std::string(text);
  return e;
}

prefix parse_prefix(std::string_view text) {
  const char* const expected = "expected a prefix like 10.0.0.0/8 or 2001:db8::/32";
  const size_t slash = text.find('/');
  prefix p;
  p.family = parse_address(text.substr(0, slash), p.addr.data());
  if (p.family == 0) throw std::invalid_argument(expected);
  const int bits = p.family == AF_INET ? 32 : 128;
  uint64_t len = static_cast<uint64_t>(bits);
  if (slash != std::string_view::npos && !parse_decimal(text.substr(slash + 1), static_cast<uint64_t>(bits), len))
    throw std::invalid_argument(std::string(expected) + " (length 0.." + std::to_string(bits) + ")");
  p.length = static_cast<int>(len);
  // An IPv4-mapped prefix of /96../128 is the IPv4 prefix /0../32 (clients
  // on a dual-stack socket arrive mapped and are matched as IPv4). Shorter,
  // it would also cover IPv6 addresses outside ::ffff:0:0/96, which is
  // never what was meant.
  if (p.family == AF_INET6 && is_v4_mapped(p.addr.data()) && p.length < 96)
    throw std::invalid_argument(
        "an IPv4-mapped prefix shorter than /96 reaches outside IPv4; write the IPv4 prefix instead "
        "(like 10.0.0.0/8, or 0.0.0.0/0 for every IPv4 client)");
  if (p.family == AF_INET6 && is_v4_mapped(p.addr.data())) {
    std::memmove(p.addr.data(), p.addr.data() + 12, 4);
    std::memset(p.addr.data() + 4, 0, 12);
    p.family = AF_INET;
    p.length -= 96;
  }
  const int total = p.family == AF_INET ? 4 : 16;
  for (int i = 0; i < total; ++i) {
    const int keep = std::min(8, std::max(0, p.length - i * 8));
    const uint8_t mask = keep == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    if (p.addr[i] & ~mask) {
      prefix clean = p;
      for (int j = i; j < total; ++j) {
        const int k = std::min(8, std::max(0, p.length - j * 8));
        clean.addr[j] &= k == 0 ? 0 : static_cast<uint8_t>(0xff << (8 - k));
      }
      throw std::invalid_argument("host bits set after the prefix length; did you mean " +
                                  address_text(clean.family, clean.addr.data()) + "/" +
                                  std::to_string(clean.length) + "?");
    }
  }
  p.text = address_text(p.family, p.addr.data()) + "/" + std::to_string(p.length);
  return p;
}

bool prefix_contains(const prefix& p, int family, const uint8_t* addr) {
  if (family != p.family) return false;
  const int full = p.length / 8;
  if (std::memcmp(p.addr.data(), addr, static_cast<size_t>(full)) != 0) return false;
  const int rest = p.length % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (p.addr[full] & mask) == (addr[full] & mask);
}

}  // namespace hadns::config
