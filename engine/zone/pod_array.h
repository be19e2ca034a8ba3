// engine/zone/pod_array.h -- a growable array of trivially copyable values
// in one block: malloc'ed while small, its own anonymous mapping once large.
//
// Why not std::vector: the compiler's arrays and a Snapshot's reach
// hundreds of megabytes for a zone of a million names. A vector grows by
// allocating a second block and copying, so while it grows both blocks are
// resident, and freed blocks may stay in malloc's heap. A large pod_array
// grows with mremap (the pages move, nothing is copied), shrink_to_fit()
// unmaps the unused tail, and freeing it returns every page at once.
// Reserved room that is never written is never resident, so reserving
// generously costs nothing. Values are not initialised unless resize() is
// asked to zero them.
// Compile time writes it; afterwards any number of threads read it.
#pragma once

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace hadns::zone {

template <typename T>
class pod_array {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  pod_array() = default;
  pod_array(const pod_array&) = delete;
  pod_array& operator=(const pod_array&) = delete;
  pod_array(pod_array&& o) noexcept { swap(o); }
  pod_array& operator=(pod_array&& o) noexcept {
    pod_array(std::move(o)).swap(*this);
    return *this;
  }
  ~pod_array() { release(data_, cap_); }

  void swap(pod_array& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(cap_, o.cap_);
  }

  T* data() noexcept { return data_; }
  const T* data() const noexcept { return data_; }
  size_t size() const noexcept { return size_; }
  size_t capacity() const noexcept { return cap_; }
  bool empty() const noexcept { return size_ == 0; }
  T& operator[](size_t i) noexcept { return data_[i]; }
  const T& operator[](size_t i) const noexcept { return data_[i]; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }
  T& back() noexcept { return data_[size_ - 1]; }

  void reserve(size_t n) {
    if (n > cap_) set_capacity(n);
  }
  void shrink_to_fit() {
    if (size_ < cap_) set_capacity(size_);
  }
  // New values are zeroed if `zero`, else left uninitialised.
  void resize(size_t n, bool zero = true) {
    if (n > cap_) grow(n);
    if (zero && n > size_) std::memset(static_cast<void*>(data_ + size_), 0, (n - size_) * sizeof(T));
    size_ = n;
  }
  void push_back(const T& v) {
    if (size_ == cap_) grow(size_ + 1);
    std::memcpy(static_cast<void*>(data_ + size_), &v, sizeof(T));
    ++size_;
  }
  void append(const T* p, size_t n) {
    if (n == 0) return;
    if (size_ + n > cap_) grow(size_ + n);
    std::memcpy(static_cast<void*>(data_ + size_), p, n * sizeof(T));
    size_ += n;
  }
  void clear() noexcept { size_ = 0; }
  // n copies of v.
  void assign(size_t n, const T& v) {
    clear();
    reserve(n);
    for (size_t i = 0; i < n; ++i) std::memcpy(static_cast<void*>(data_ + i), &v, sizeof(T));
    size_ = n;
  }

 private:
  void grow(size_t need) {
    size_t c = cap_ < 16 ? 16 : cap_ + cap_ / 2;
    set_capacity(c < need ? need : c);
  }
  static constexpr size_t k_mapped = size_t{1} << 20;  // bytes from which a block is mapped
  static size_t bytes_of(size_t n) { return n * sizeof(T); }
  static size_t page_round(size_t b) { return (b + 4095) & ~size_t{4095}; }
  static bool mapped(size_t cap) { return bytes_of(cap) >= k_mapped; }
  static void release(T* p, size_t cap) noexcept {
    if (!p) return;
    if (mapped(cap)) ::munmap(p, page_round(bytes_of(cap)));
    else std::free(p);
  }

  void set_capacity(size_t n) {
    if (n == 0) {
      release(data_, cap_);
      data_ = nullptr;
      cap_ = 0;
      return;
    }
    // Whole pages of a mapping are usable: round n up to them.
    if (mapped(n)) n = page_round(bytes_of(n)) / sizeof(T);
    void* p;
    if (mapped(n) && data_ && mapped(cap_)) {
      p = ::mremap(data_, page_round(bytes_of(cap_)), page_round(bytes_of(n)), MREMAP_MAYMOVE);
      if (p == MAP_FAILED) throw std::bad_alloc();
    } else if (mapped(n)) {
      p = ::mmap(nullptr, page_round(bytes_of(n)), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      if (size_) std::memcpy(p, static_cast<const void*>(data_), bytes_of(size_));
      release(data_, cap_);
    } else if (data_ && mapped(cap_)) {  // shrinking below the mapped size
      p = std::malloc(bytes_of(n));
      if (!p) throw std::bad_alloc();
      std::memcpy(p, static_cast<const void*>(data_), bytes_of(size_ < n ? size_ : n));
      release(data_, cap_);
    } else {
      p = std::realloc(data_, bytes_of(n));
      if (!p) throw std::bad_alloc();
    }
    data_ = static_cast<T*>(p);
    cap_ = n;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace hadns::zone
