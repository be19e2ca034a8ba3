// tools/loadgen/latency_histogram.cc -- bucket arithmetic and percentiles.
#include "tools/loadgen/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace hadns::loadgen {

int latency_histogram::index_of(uint64_t ns) noexcept {
  if (ns < 128) return static_cast<int>(ns);
  int shift = 63 - __builtin_clzll(ns) - k_sub_bits;  // >= 1
  uint64_t mantissa = ns >> shift;                     // in [64, 128)
  int index = 128 + (shift - 1) * 64 + static_cast<int>(mantissa - 64);
  return std::min(index, k_buckets - 1);
}

uint64_t latency_histogram::upper_bound_of(int index) noexcept {
  if (index < 128) return static_cast<uint64_t>(index);
  int shift = (index - 128) / 64 + 1;
  uint64_t mantissa = static_cast<uint64_t>((index - 128) % 64 + 64);
  return ((mantissa + 1) << shift) - 1;
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (int i = 0; i < k_buckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

uint64_t latency_histogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * double(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (int i = 0; i < k_buckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(upper_bound_of(i), max_);
  }
  return max_;
}

}  // namespace hadns::loadgen
