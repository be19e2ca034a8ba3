// tests/engine/io/publisher_test.cc -- the QSBR snapshot publisher: one
// store publishes, nothing is freed while a shard may still read it, idle
// shards never hold reclamation up, counted references outlive reclamation.
#include "engine/io/publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace hadns::io {
namespace {

struct tracked {
  explicit tracked(int v, std::atomic<int>* dead) : value(v), magic(0x5eed), destroyed(dead) {}
  ~tracked() {
    magic = 0;
    destroyed->fetch_add(1);
  }
  int value;
  int magic;
  std::atomic<int>* destroyed;
};

TEST(Publisher, PublishMakesObjectCurrent) {
  std::atomic<int> dead{0};
  publisher<tracked> pub(1);
  EXPECT_EQ(pub.current(), nullptr);
  pub.publish(std::make_shared<const tracked>(1, &dead));
  ASSERT_NE(pub.current(), nullptr);
  EXPECT_EQ(pub.current()->value, 1);
  EXPECT_EQ(pub.acquire()->value, 1);
  pub.publish(std::make_shared<const tracked>(2, &dead));
  EXPECT_EQ(pub.current()->value, 2);
}

TEST(Publisher, OnlineReaderHoldsOldUntilQuiescent) {
  std::atomic<int> dead{0};
  publisher<tracked> pub(2);
  pub.publish(std::make_shared<const tracked>(1, &dead));
  qsbr_reader& r = pub.reader_at(0);
  r.online();
  const tracked* seen = pub.current();
  pub.publish(std::make_shared<const tracked>(2, &dead));
  EXPECT_EQ(pub.reclaim(), 1u);
  EXPECT_EQ(dead.load(), 0);
  EXPECT_EQ(seen->value, 1);  // still readable
  r.quiescent();
  EXPECT_EQ(pub.reclaim(), 0u);
  EXPECT_EQ(dead.load(), 1);
}

TEST(Publisher, OfflineReaderNeverHoldsReclaim) {
  std::atomic<int> dead{0};
  publisher<tracked> pub(2);
  pub.publish(std::make_shared<const tracked>(1, &dead));
  pub.reader_at(0).online();
  pub.reader_at(0).offline();  // blocked waiting for completions
  pub.publish(std::make_shared<const tracked>(2, &dead));
  EXPECT_EQ(dead.load(), 1);  // freed by publish's own reclaim
  EXPECT_EQ(pub.pending(), 0u);
}

TEST(Publisher, ReaderGoingOfflineReleases) {
  std::atomic<int> dead{0};
  publisher<tracked> pub(1);
  pub.publish(std::make_shared<const tracked>(1, &dead));
  pub.reader_at(0).online();
  pub.publish(std::make_shared<const tracked>(2, &dead));
  EXPECT_EQ(dead.load(), 0);
  pub.reader_at(0).offline();
  pub.reclaim();
  EXPECT_EQ(dead.load(), 1);
}

TEST(Publisher, CountedReferenceOutlivesReclaim) {
  std::atomic<int> dead{0};
  publisher<tracked> pub(1);
  pub.publish(std::make_shared<const tracked>(1, &dead));
  std::shared_ptr<const tracked> held = pub.acquire();
  pub.publish(std::make_shared<const tracked>(2, &dead));
  EXPECT_EQ(pub.pending(), 0u);  // reclaimed from the publisher's view
  EXPECT_EQ(dead.load(), 0);     // but the control thread still holds it
  EXPECT_EQ(held->value, 1);
  held.reset();
  EXPECT_EQ(dead.load(), 1);
}

TEST(Publisher, StateWordsSitOnTheirOwnCacheLines) {
  EXPECT_EQ(alignof(qsbr_reader), 64u);
  EXPECT_EQ(sizeof(qsbr_reader), 64u);
  qsbr_domain d(3);
  auto a = reinterpret_cast<uintptr_t>(&d.reader_at(0));
  auto b = reinterpret_cast<uintptr_t>(&d.reader_at(1));
  EXPECT_EQ(a % 64, 0u);
  EXPECT_EQ(b - a, 64u);
}

// Readers loop like shards (online, read, quiescent, sometimes offline)
// while the writer publishes and reclaims: every object a reader sees is
// intact, and in the end everything but the live one has been freed.
// Run under TSan (label tsan) and ASan: a premature free is a report.
TEST(Publisher, ConcurrentPublishAndReadStress) {
  constexpr int k_readers = 3;
  constexpr int k_publishes = 3000;
  std::atomic<int> dead{0};
  publisher<tracked> pub(k_readers);
  pub.publish(std::make_shared<const tracked>(0, &dead));
  std::atomic<bool> done{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < k_readers; ++i) {
    readers.emplace_back([&, i] {
      qsbr_reader& r = pub.reader_at(i);
      r.online();
      int last = -1;
      long n = 0;
      while (!done.load(std::memory_order_relaxed)) {
        const tracked* t = pub.current();
        ASSERT_EQ(t->magic, 0x5eed);
        ASSERT_GE(t->value, last);  // never goes back in time
        last = t->value;
        ++n;
        r.quiescent();
        if (n % 64 == 0) {
          r.offline();
          std::this_thread::yield();
          r.online();
        }
      }
      r.offline();
      reads.fetch_add(n);
    });
  }
  for (int v = 1; v <= k_publishes; ++v) {
    pub.publish(std::make_shared<const tracked>(v, &dead));
    if (v % 16 == 0) std::this_thread::yield();
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(pub.reclaim(), 0u);
  EXPECT_EQ(dead.load(), k_publishes);
  EXPECT_GT(reads.load(), 0);
}

}  // namespace
}  // namespace hadns::io
