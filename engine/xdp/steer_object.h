// engine/xdp/steer_object.h -- the compiled steering program (steer.bpf.c),
// built with clang -target bpf at build time and embedded in the binary, so
// hadnsd never looks for a BPF object on disk.
#pragma once

#include <cstdint>
#include <span>

namespace hadns::xdp {

std::span<const uint8_t> steer_object() noexcept;

}  // namespace hadns::xdp
