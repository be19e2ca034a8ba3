// engine/zone/encoder.h -- encodes one precompiled response body at compile
// time: RR sets in the answer, authority and additional sections behind a
// given question name, with name compression (RFC 1035 4.1.4).
//
// Compression: owner names always; RDATA names only for the types RFC 3597
// section 4 allows (NS, CNAME, SOA, PTR, MX); every other RDATA is copied
// as stored. For a shared body (see snapshot.h) every pointer that targets
// past offset 12 is recorded so it can move with the question; a pointer to
// offset 12 is only used for owners that stand for the question name itself.
// Reusable: reset() starts a new body and keeps every buffer's capacity, so
// that compiling a million bodies does not allocate a million times.
// Compile time only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/zone/snapshot.h"

namespace hadns::zone {

using wire_name = std::vector<uint8_t>;
using name_view = std::span<const uint8_t>;

struct body {
  std::vector<uint8_t> bytes;        // the sections after the question
  std::vector<rrset_mark> marks;
  std::vector<uint16_t> fixups;      // body-relative positions of movable pointers
  uint16_t count[3] = {0, 0, 0};
  uint8_t rcode = 0;
  bool aa = true;
  uint8_t tmpl_qlen = 0;             // 0 unless shared
};

// One RR set's RDATA, in the zone model's form: `count` values, each a
// 16-bit length (host order) followed by its bytes.
struct rdata_run {
  const uint8_t* p = nullptr;
  uint32_t count = 0;
};

class encoder {
 public:
  encoder() = default;
  // `qname`: the lower-cased question name the body follows; `shared`: the
  // body serves question names of other lengths too.
  encoder(name_view qname, bool shared) { reset(qname, shared); }
  void reset(name_view qname, bool shared);

  // One RR set. `owner_is_qname`: the owner is the question name itself
  // (a pointer to offset 12 is allowed even in a shared body).
  void rrset(section s, name_view owner, bool owner_is_qname, uint16_t type, uint32_t ttl,
             rdata_run rdatas, uint8_t flags = 0);

  size_t size() const { return msg_.size(); }
  // The body; valid until the next reset().
  const body& finish(uint8_t rcode, bool aa);

 private:
  struct suffix {
    uint32_t key;     // offset in keys_
    uint16_t target;  // offset in msg_
    uint8_t len;
  };
  void put_name(const uint8_t* name, size_t len, bool allow_whole_question);
  void put_rdata(uint16_t type, const uint8_t* p, size_t n);
  void put16(uint16_t v);
  void put32(uint32_t v);
  const suffix* find_suffix(const uint8_t* key, size_t len) const;

  std::vector<uint8_t> msg_;        // header placeholder, question, body
  std::vector<suffix> suffixes_;    // lower-cased name -> offset, first wins
  std::vector<uint8_t> keys_;       // the suffixes' lower-cased names
  size_t body_start_ = 0;
  bool shared_ = false;
  body out_;
};

// Lower-cased copy of a wire name.
wire_name lower_name(const uint8_t* p, size_t len);
inline wire_name lower_name(const wire_name& n) { return lower_name(n.data(), n.size()); }

}  // namespace hadns::zone
