// engine/wire/rr_type.cc -- type mnemonics through libknot's descriptor
// table (see rr_type.h).
#include "engine/wire/rr_type.h"

extern "C" {  // libknot's descriptor.h has no C++ guard
#include <libknot/descriptor.h>
}

#include <array>

namespace hadns::wire {

uint16_t type_from_name(std::string_view name) {
  if (name.empty() || name.size() > 31) return 0;
  std::array<char, 32> buf{};
  name.copy(buf.data(), name.size());
  uint16_t num = 0;
  if (knot_rrtype_from_string(buf.data(), &num) != 0) return 0;
  return num;
}

std::string type_to_name(uint16_t type) {
  std::array<char, 32> buf{};
  if (knot_rrtype_to_string(type, buf.data(), buf.size()) < 0) return "TYPE" + std::to_string(type);
  return std::string(buf.data());
}

}  // namespace hadns::wire
