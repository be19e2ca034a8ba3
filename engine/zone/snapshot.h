// engine/zone/snapshot.h -- the immutable Snapshot that the packet core
// answers from.
//
// A Snapshot holds, for every zone (public, or a private view of an origin),
// an open-addressing hash table keyed by (lower-cased wire name, qtype)
// whose values are complete precompiled response bodies: the answer,
// authority and additional sections already encoded and compressed as if
// they followed the question. The packet core copies a body behind the
// client's question, patches the header and appends OPT.
//
// Keys: exact entries use XXH3_64bits_withSeed(name, type); a node entry
// (type 0) exists for every name in the zone (NODATA, or the CNAME chain
// for types the target lacks, or a referral at a delegation); wildcard
// entries are keyed by their closest encloser (the name above "*") with
// k_wildcard_seed added to the seed.
//
// Shared bodies (NXDOMAIN, wildcard answers, referrals below a cut) are
// compiled for a template question name and record the positions of the
// compression pointers that must move with the question: every pointer
// whose target lies after offset 12 (a suffix of the question, or a name in
// the body). A pointer to offset 12 (the whole question name, the owner of a
// synthesised wildcard answer) never moves. Emitting adds (qname length -
// template length) to each recorded pointer.
//
// Failover: an entry with a slot points at k_slot_states response offsets,
// one per slot state, chosen by the slot's atomic state at answer time.
//
// Zone choice: origins are found in one open-addressing table keyed by
// XXH3 of the lower-cased wire origin (seed k_origin_seed), probed for the
// question name's suffixes from the longest down, only at the wire lengths
// some origin has. The cost does not grow with the number of zones: at most
// one probe per label of the question, usually one.
//
// Threads: immutable after compile(); any number of threads read it at once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "engine/live/slot.h"
#include "engine/zone/pod_array.h"

namespace hadns::zone {

enum class section : uint8_t { answer = 0, authority = 1, additional = 2 };

// One RR set of a body: where it ends (body-relative) and how many RRs it has.
struct rrset_mark {
  uint16_t end = 0;
  uint16_t count = 0;
  section sect = section::answer;
  uint8_t flags = 0;  // k_mark_required_glue
};
inline constexpr uint8_t k_mark_required_glue = 1;  // RFC 9471: TC if it does not fit

// Stored in the Snapshot's byte arena right before its body, after the
// owner name of the entry that uses it, so that one lookup touches the
// entry and then one run of adjacent bytes.
struct response {
  uint32_t body = 0;        // offset in bytes()
  uint16_t body_len = 0;
  uint16_t count[3] = {0, 0, 0};  // ANCOUNT, NSCOUNT, ARCOUNT of the whole body
  uint8_t rcode = 0;
  bool aa = true;
  uint8_t tmpl_qlen = 0;    // 0: exact (compiled for the qname's own length)
  uint32_t marks = 0;       // index in marks()
  uint16_t nmarks = 0;
  uint16_t nfix = 0;
  uint32_t fix = 0;         // index in fixups()
};

inline constexpr uint64_t k_wildcard_seed = 0x10000;
inline constexpr uint64_t k_origin_seed = 0x20000;
inline constexpr uint32_t k_no_slot = 0xFFFFFFFF;
inline constexpr uint8_t k_entry_delegation = 1;   // node entry of a zone cut
inline constexpr uint8_t k_entry_wildcard_parent = 2;  // node entry of a name with a "*" child
inline constexpr uint8_t k_entry_wildcard = 4;     // entry keyed by the closest encloser of a wildcard
inline constexpr uint8_t k_entry_dname = 8;        // node entry of a DNAME owner; aux: its dname_rule

struct entry {
  uint64_t hash = 0;        // 0 = empty bucket
  uint32_t name = 0;        // offset in bytes()
  uint8_t name_len = 0;
  uint8_t flags = 0;
  uint16_t type = 0;
  uint32_t resp = 0;        // offset of the response in bytes(); with a slot, the
                            // offset of k_slot_states response offsets
  uint32_t aux = k_no_slot; // delegation node: the referral for names below the cut;
                            // DNAME owner's node: its dname_rule offset;
                            // otherwise the failover slot index or k_no_slot
};
static_assert(sizeof(entry) == 24);

// A DNAME owner's substitution (RFC 6672), read by the packet core for
// names below the owner: at dname_rule offset in bytes(), the DNAME's TTL
// (4 bytes, network order), the target's wire length (1 byte), then the
// target as written in the zone (uncompressed, as RFC 6672 2.5 requires).
inline constexpr size_t k_dname_rule_header = 5;

// What the packet path needs of a zone to look a name up in it.
struct zone_ref {
  uint32_t first = 0;       // entries [first, first + mask + 1)
  uint32_t mask = 0;
  uint32_t nxdomain = 0;    // response offset
  uint8_t origin_len = 0;
};

struct zone_table : zone_ref {
  uint32_t origin = 0;      // offset in bytes()
  std::string origin_text;  // "demo.test."
  std::string view;         // "public" or the allow_from list
};

struct view_prefix {
  int family = 0;
  std::array<uint8_t, 16> addr{};
  int length = 0;
  uint32_t zone = 0;
};

// Every zone with one origin: private views (longest prefix first) and the
// public zone, if any.
struct origin_group {
  uint32_t name = 0;        // offset in bytes()
  uint8_t len = 0;
  std::vector<view_prefix> privates;
  int32_t public_zone = -1;
};

// A bucket of the origin table: one cache line that, for an origin of up
// to k_inline_origin bytes served to everyone alike, holds all the packet
// path needs to choose the zone and look in it (the name to compare and a
// copy of the zone's zone_ref), so that choosing among many zones costs one
// cache miss, not four (bucket, origin group, origin name, zone).
inline constexpr size_t k_inline_origin = 30;
struct alignas(64) origin_slot {
  uint64_t hash = 0;        // 0 = empty bucket
  uint32_t group = 0;       // index in the origin groups
  int32_t public_zone = -1; // with only_public: the zone for every client
  zone_ref zone;            // with only_public: that zone's lookup fields
  uint8_t len = 0;
  bool only_public = false; // no private views
  uint8_t name[k_inline_origin] = {};  // the origin, if len <= k_inline_origin
};
static_assert(sizeof(origin_slot) == 64);

class snapshot {
 public:
  static uint64_t hash(const uint8_t* name, size_t len, uint64_t seed) noexcept;

  // The zone that serves `name` (lower-cased wire name, label offsets as in
  // wire::parsed_name) to a client at (family, addr), or nullptr. Picks the
  // closest enclosing origin; when that origin has only private zones and
  // none matches the client, nullptr (REFUSED), never a parent zone.
  const zone_table* find_zone(const uint8_t* name, size_t len, const uint8_t* label_off,
                              size_t labels, int family, const uint8_t* addr) const noexcept {
    const zone_ref* hot = nullptr;
    int32_t z = choose_zone(name, len, label_off, labels, family, addr, hot);
    return z < 0 ? nullptr : &zones_[static_cast<size_t>(z)];
  }
  // The same choice, as the packet path uses it: the zone's lookup fields,
  // read from the origin bucket when it holds them.
  const zone_ref* find_zone_ref(const uint8_t* name, size_t len, const uint8_t* label_off,
                                size_t labels, int family, const uint8_t* addr) const noexcept {
    const zone_ref* hot = nullptr;
    int32_t z = choose_zone(name, len, label_off, labels, family, addr, hot);
    if (hot) return hot;
    return z < 0 ? nullptr : &zones_[static_cast<size_t>(z)];
  }

  const entry* find(const zone_ref& z, const uint8_t* name, size_t len, uint64_t seed,
                    uint16_t type, uint8_t want_wild) const noexcept {
    uint64_t h = hash(name, len, seed) | 1;
    const entry* base = entries_.data() + z.first;
    for (uint32_t i = static_cast<uint32_t>(h) & z.mask;; i = (i + 1) & z.mask) {
      const entry& e = base[i];
      if (e.hash == 0) return nullptr;
      if (e.hash == h && e.type == type && e.name_len == len &&
          (e.flags & k_entry_wildcard) == want_wild &&
          __builtin_memcmp(bytes_.data() + e.name, name, len) == 0)
        return &e;
    }
  }
  const entry* find_exact(const zone_ref& z, const uint8_t* name, size_t len,
                          uint16_t type) const noexcept {
    return find(z, name, len, type, type, 0);
  }

  // The response for an entry, following its failover slot.
  const response& response_of(const entry& e) const noexcept {
    uint32_t off = e.resp;
    if (!(e.flags & (k_entry_delegation | k_entry_dname)) && e.aux != k_no_slot) {
      uint32_t state = static_cast<uint32_t>(slots_[e.aux]->load());
      __builtin_memcpy(&off, bytes_.data() + e.resp + 4 * state, 4);
    }
    return response_at(off);
  }
  const response& response_at(uint32_t off) const noexcept {
    return *std::launder(reinterpret_cast<const response*>(bytes_.data() + off));
  }
  const uint8_t* bytes() const noexcept { return bytes_.data(); }
  const rrset_mark* marks() const noexcept { return marks_.data(); }
  const uint16_t* fixups() const noexcept { return fixups_.data(); }
  const std::vector<zone_table>& zones() const noexcept { return zones_; }
  size_t entry_count() const noexcept { return entries_.size(); }
  size_t memory_bytes() const noexcept;

 private:
  friend class snapshot_builder;

  // Index of the chosen zone or -1; `hot` is set when the origin bucket
  // holds the zone's lookup fields.
  int32_t choose_zone(const uint8_t* name, size_t len, const uint8_t* label_off, size_t labels,
                      int family, const uint8_t* addr, const zone_ref*& hot) const noexcept;

  pod_array<entry> entries_;
  pod_array<uint8_t> bytes_;  // names, responses and bodies, interleaved
  pod_array<rrset_mark> marks_;
  pod_array<uint16_t> fixups_;
  std::vector<zone_table> zones_;
  std::vector<origin_group> origins_;
  std::vector<origin_slot> origin_table_;     // load factor <= 0.5
  uint32_t origin_mask_ = 0;
  std::array<uint64_t, 4> origin_lengths_{};  // bit n: some origin is n bytes long
  std::vector<const live::failover_slot*> slots_;
  std::vector<std::shared_ptr<live::failover_slot>> slot_owners_;
};

}  // namespace hadns::zone
