// tools/loadgen/latency_histogram.h -- reply latencies in log-linear buckets.
//
// Values in nanoseconds. Below 128 ns each value has its own bucket; above,
// each power of two is split in 64 buckets, so a percentile read from the
// histogram is within 1/64 (1.6 %) of the true value. Recording is one
// array increment. Each sender thread owns one histogram; they are merged
// after the run.
#pragma once

#include <array>
#include <cstdint>

namespace hadns::loadgen {

class latency_histogram {
 public:
  void record(uint64_t ns) noexcept {
    ++buckets_[index_of(ns)];
    ++count_;
    sum_ += ns;
    if (ns > max_) max_ = ns;
    if (ns < min_) min_ = ns;
  }
  void merge(const latency_histogram& other) noexcept;

  uint64_t count() const noexcept { return count_; }
  uint64_t min() const noexcept { return count_ ? min_ : 0; }
  uint64_t max() const noexcept { return max_; }
  double mean() const noexcept { return count_ ? double(sum_) / double(count_) : 0.0; }
  // The smallest recorded value v such that a share q (0..1] of the values is <= v,
  // as the upper bound of its bucket (clamped to max). 0 when empty.
  uint64_t percentile(double q) const noexcept;

  static constexpr int k_sub_bits = 6;  // 64 buckets per power of two
  static constexpr int k_buckets = 128 + 58 * 64;

  static int index_of(uint64_t ns) noexcept;
  static uint64_t upper_bound_of(int index) noexcept;

 private:
  std::array<uint64_t, k_buckets> buckets_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
};

}  // namespace hadns::loadgen
