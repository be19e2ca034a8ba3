# Writes OUT, a C++ source defining hadns::xdp::steer_object() over the
# bytes of IN (the BPF object). Run with cmake -DIN=... -DOUT=... -P.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "// Generated from steer.bpf.c by embed.cmake; do not edit.\n"
  "#include \"engine/xdp/steer_object.h\"\n\n"
  "namespace hadns::xdp {\nnamespace {\nalignas(8) const uint8_t k_object[] = {\n${bytes}\n};\n}  // namespace\n\n"
  "std::span<const uint8_t> steer_object() noexcept { return k_object; }\n\n}  // namespace hadns::xdp\n")
