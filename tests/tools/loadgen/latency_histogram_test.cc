// tests/tools/loadgen/latency_histogram_test.cc -- percentiles within 1/64.
#include "tools/loadgen/latency_histogram.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace hadns::loadgen {
namespace {

TEST(LoadgenLatencyHistogram, EmptyReportsZero) {
  latency_histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.5), 0u);
  EXPECT_EQ(h.min(), 0u);
}

TEST(LoadgenLatencyHistogram, BucketBoundsContainTheirValues) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 129ull, 1000ull, 65535ull, 1234567ull,
                     999999999ull, (1ull << 40) + 12345}) {
    int i = latency_histogram::index_of(v);
    EXPECT_GE(latency_histogram::upper_bound_of(i), v) << v;
    if (i > 0) {
      EXPECT_LT(latency_histogram::upper_bound_of(i - 1), v) << v;
    }
  }
}

TEST(LoadgenLatencyHistogram, PercentilesOfUniformValuesWithinOneBucket) {
  latency_histogram h;
  for (uint64_t us = 1; us <= 10000; ++us) h.record(us * 1000);  // 1 us .. 10 ms
  auto near = [](uint64_t got, double want) {
    return double(got) >= want && double(got) <= want * (1.0 + 1.0 / 64) + 1;
  };
  EXPECT_TRUE(near(h.percentile(0.50), 5'000'000)) << h.percentile(0.50);
  EXPECT_TRUE(near(h.percentile(0.99), 9'900'000)) << h.percentile(0.99);
  EXPECT_TRUE(near(h.percentile(0.999), 9'990'000)) << h.percentile(0.999);
  EXPECT_EQ(h.percentile(1.0), 10'000'000u);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_EQ(h.max(), 10'000'000u);
  EXPECT_NEAR(h.mean(), 5'000'500.0, 1.0);
}

TEST(LoadgenLatencyHistogram, MergeAddsCounts) {
  latency_histogram a, b;
  for (int i = 0; i < 99; ++i) a.record(100);
  b.record(1'000'000);
  a.merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.percentile(0.99), 100u);
  EXPECT_GE(a.percentile(0.999), 1'000'000u);
  EXPECT_EQ(a.max(), 1'000'000u);
}

}  // namespace
}  // namespace hadns::loadgen
