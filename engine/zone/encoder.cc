// engine/zone/encoder.cc -- response body encoding with compression (see
// encoder.h).
#include "engine/zone/encoder.h"

#include <cstring>
#include <stdexcept>

#include "engine/wire/header.h"
#include "engine/wire/name.h"

namespace hadns::zone {
namespace {

// Compression targets must stay below 0x3FFF after a shared body moves by
// up to 255 bytes.
constexpr size_t k_max_target = 0x3FFF - 256;

}  // namespace

wire_name lower_name(const uint8_t* p, size_t len) {
  wire_name n(p, p + len);
  size_t i = 0;
  while (i < n.size() && n[i] != 0) {
    size_t l = n[i];
    for (size_t k = 1; k <= l && i + k < n.size(); ++k) n[i + k] = wire::to_lower(n[i + k]);
    i += l + 1;
  }
  return n;
}

void encoder::reset(name_view qname, bool shared) {
  shared_ = shared;
  msg_.assign(wire::k_header_size, 0);
  suffixes_.clear();
  keys_.clear();
  out_.bytes.clear();
  out_.marks.clear();
  out_.fixups.clear();
  out_.count[0] = out_.count[1] = out_.count[2] = 0;
  out_.rcode = 0;
  out_.aa = true;
  out_.tmpl_qlen = 0;
  body_start_ = 0;
  put_name(qname.data(), qname.size(), true);
  put16(0);
  put16(1);
  body_start_ = msg_.size();
  if (shared) out_.tmpl_qlen = static_cast<uint8_t>(qname.size());
}

void encoder::put16(uint16_t v) {
  uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  msg_.insert(msg_.end(), b, b + 2);
}
void encoder::put32(uint32_t v) {
  uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                  static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  msg_.insert(msg_.end(), b, b + 4);
}

const encoder::suffix* encoder::find_suffix(const uint8_t* key, size_t len) const {
  for (const suffix& s : suffixes_)
    if (s.len == len && std::memcmp(keys_.data() + s.key, key, len) == 0) return &s;
  return nullptr;
}

// Suffixes are matched case-insensitively (keys lower-cased); the first
// occurrence of a suffix is the one pointed to.
void encoder::put_name(const uint8_t* name, size_t len, bool allow_whole_question) {
  uint8_t low[wire::k_max_name + 1];
  if (len > sizeof low) throw std::invalid_argument("name too long");
  std::memcpy(low, name, len);
  for (size_t i = 0; i < len && low[i] != 0;) {
    size_t l = low[i];
    for (size_t k = 1; k <= l && i + k < len; ++k) low[i + k] = wire::to_lower(low[i + k]);
    i += l + 1;
  }
  size_t i = 0;
  while (i < len && name[i] != 0) {
    const uint8_t* key = low + i;
    size_t klen = len - i;
    const suffix* found = find_suffix(key, klen);
    if (found && (found->target != wire::k_header_size || allow_whole_question || !shared_)) {
      uint16_t target = found->target;
      if (shared_ && target > wire::k_header_size && msg_.size() >= body_start_ && body_start_)
        out_.fixups.push_back(static_cast<uint16_t>(msg_.size() - body_start_));
      put16(static_cast<uint16_t>(0xC000 | target));
      return;
    }
    if (msg_.size() <= k_max_target && !found) {
      suffixes_.push_back({static_cast<uint32_t>(keys_.size()), static_cast<uint16_t>(msg_.size()),
                           static_cast<uint8_t>(klen)});
      keys_.insert(keys_.end(), key, key + klen);
    }
    size_t l = name[i];
    msg_.insert(msg_.end(), name + i, name + i + 1 + l);
    i += l + 1;
  }
  msg_.push_back(0);
}

void encoder::put_rdata(uint16_t type, const uint8_t* p, size_t n) {
  wire::rdata_names names = wire::compressible_names(type);
  if (names.count == 0 || n <= names.offset) {
    msg_.insert(msg_.end(), p, p + n);
    return;
  }
  msg_.insert(msg_.end(), p, p + names.offset);
  size_t off = names.offset;
  for (uint8_t k = 0; k < names.count; ++k) {
    size_t l = off < n ? wire::name_length(p + off, n - off) : 0;
    if (l == 0) throw std::invalid_argument("malformed name in RDATA");
    put_name(p + off, l, false);
    off += l;
  }
  msg_.insert(msg_.end(), p + off, p + n);
}

void encoder::rrset(section s, name_view owner, bool owner_is_qname, uint16_t type, uint32_t ttl,
                    rdata_run rdatas, uint8_t flags) {
  const uint8_t* p = rdatas.p;
  for (uint32_t k = 0; k < rdatas.count; ++k) {
    uint16_t rlen;
    std::memcpy(&rlen, p, 2);
    p += 2;
    put_name(owner.data(), owner.size(), owner_is_qname);
    put16(type);
    put16(wire::k_class_in);
    put32(ttl);
    size_t len_at = msg_.size();
    put16(0);
    put_rdata(type, p, rlen);
    p += rlen;
    size_t rdlen = msg_.size() - len_at - 2;
    if (rdlen > 0xFFFF) throw std::invalid_argument("RDATA too long");
    msg_[len_at] = static_cast<uint8_t>(rdlen >> 8);
    msg_[len_at + 1] = static_cast<uint8_t>(rdlen);
  }
  if (msg_.size() - body_start_ > 0xFFFF - 512)
    throw std::invalid_argument("precompiled response larger than 64 KiB");
  rrset_mark m;
  m.end = static_cast<uint16_t>(msg_.size() - body_start_);
  m.count = static_cast<uint16_t>(rdatas.count);
  m.sect = s;
  m.flags = flags;
  out_.marks.push_back(m);
  out_.count[static_cast<int>(s)] += m.count;
}

const body& encoder::finish(uint8_t rcode, bool aa) {
  out_.bytes.assign(msg_.begin() + static_cast<long>(body_start_), msg_.end());
  out_.rcode = rcode;
  out_.aa = aa;
  return out_;
}

}  // namespace hadns::zone
