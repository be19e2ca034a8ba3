// engine/wire/writer.h -- a bounded write cursor over a caller's buffer with
// a sticky error.
//
// A write that does not fit sets the error flag and writes nothing, so an
// emitter can write a whole record and check ok() once. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "engine/wire/reader.h"

namespace hadns::wire {

class writer {
 public:
  writer(uint8_t* data, size_t size) noexcept : data_(data), size_(size) {}

  bool ok() const noexcept { return !err_; }
  size_t pos() const noexcept { return pos_; }
  size_t remaining() const noexcept { return size_ - pos_; }
  uint8_t* data() const noexcept { return data_; }

  bool need(size_t n) noexcept {
    if (err_ || n > size_ - pos_) {
      err_ = true;
      return false;
    }
    return true;
  }
  void u8(uint8_t v) noexcept {
    if (need(1)) data_[pos_++] = v;
  }
  void u16(uint16_t v) noexcept {
    if (!need(2)) return;
    store16(data_ + pos_, v);
    pos_ += 2;
  }
  void u32(uint32_t v) noexcept {
    if (!need(4)) return;
    store32(data_ + pos_, v);
    pos_ += 4;
  }
  void bytes(const void* p, size_t n) noexcept {
    if (!need(n)) return;
    if (n) std::memcpy(data_ + pos_, p, n);
    pos_ += n;
  }

 private:
  uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  bool err_ = false;
};

}  // namespace hadns::wire
