// engine/wire/reader.h -- a bounded read cursor over a packet with a sticky
// error.
//
// Every read checks the bounds; a read past the end sets the error flag,
// returns zero and leaves the position at the end, so a parser can read a
// whole structure and check ok() once. Integers are read with memcpy and a
// byte swap, never by casting a pointer onto the packet. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hadns::wire {

inline uint16_t load16(const uint8_t* p) noexcept {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline uint32_t load32(const uint8_t* p) noexcept {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline void store16(uint8_t* p, uint16_t v) noexcept {
  v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}
inline void store32(uint8_t* p, uint32_t v) noexcept {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

class reader {
 public:
  reader(const uint8_t* data, size_t size) noexcept : data_(data), size_(size) {}

  bool ok() const noexcept { return !err_; }
  size_t pos() const noexcept { return pos_; }
  size_t size() const noexcept { return size_; }
  size_t remaining() const noexcept { return size_ - pos_; }
  const uint8_t* data() const noexcept { return data_; }
  const uint8_t* here() const noexcept { return data_ + pos_; }

  void fail() noexcept {
    err_ = true;
    pos_ = size_;
  }
  bool need(size_t n) noexcept {
    if (err_ || n > size_ - pos_) {
      fail();
      return false;
    }
    return true;
  }
  uint8_t u8() noexcept { return need(1) ? data_[pos_++] : 0; }
  uint16_t u16() noexcept {
    if (!need(2)) return 0;
    uint16_t v = load16(data_ + pos_);
    pos_ += 2;
    return v;
  }
  uint32_t u32() noexcept {
    if (!need(4)) return 0;
    uint32_t v = load32(data_ + pos_);
    pos_ += 4;
    return v;
  }
  void skip(size_t n) noexcept {
    if (need(n)) pos_ += n;
  }
  // The next n bytes (nullptr on error).
  const uint8_t* take(size_t n) noexcept {
    if (!need(n)) return nullptr;
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool err_ = false;
};

}  // namespace hadns::wire
