// engine/wire/name.cc -- reading and skipping wire names (see name.h).
#include "engine/wire/name.h"

namespace hadns::wire {

bool read_question_name(reader& r, parsed_name& out) noexcept {
  // Pass 1: the label structure, bounded by the packet and by 255 bytes.
  const uint8_t* p = r.here();
  size_t avail = r.remaining() < k_max_name ? r.remaining() : k_max_name;
  size_t i = 0;
  unsigned labels = 0;
  for (;;) {
    if (i >= avail) {
      r.fail();
      return false;
    }
    uint8_t l = p[i];
    if (l == 0) break;
    if (l > 63) {
      r.fail();
      return false;
    }
    out.label_off[labels++] = static_cast<uint8_t>(i);
    i += 1u + l;
  }
  size_t len = i + 1;
  // Pass 2: one lower-casing copy of the whole name. Length bytes (<= 63)
  // are below 'A', so to_lower leaves them as they are.
  for (size_t k = 0; k < len; ++k) out.lower[k] = to_lower(p[k]);
  out.len = static_cast<uint8_t>(len);
  out.labels = static_cast<uint8_t>(labels);
  r.skip(len);
  return true;
}

bool skip_name(reader& r) noexcept {
  size_t total = 0;
  for (;;) {
    uint8_t l = r.u8();
    if (!r.ok()) return false;
    if (l == 0) return true;
    if ((l & 0xC0) == 0xC0) {
      r.skip(1);
      return r.ok();
    }
    if (l > 63) {
      r.fail();
      return false;
    }
    total += l + 1;
    if (total + 1 > k_max_name) {
      r.fail();
      return false;
    }
    r.skip(l);
  }
}

size_t name_length(const uint8_t* p, size_t max) noexcept {
  size_t i = 0;
  while (i < max) {
    uint8_t l = p[i];
    if (l == 0) return i + 1 <= k_max_name ? i + 1 : 0;
    if (l > 63) return 0;
    i += 1 + l;
  }
  return 0;
}

bool name_equal(const uint8_t* a, const uint8_t* b, size_t len) noexcept {
  for (size_t i = 0; i < len; ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

}  // namespace hadns::wire
