// tests/engine/io/publisher_test.cc -- the QSBR snapshot publisher: one
// store publishes, nothing is freed while a shard may still read it, idle
// shards never hold reclamation up, counted references outlive reclamation,
// and a quiescent point is not reordered with the next turn's pointer load.
#include "engine/io/publisher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
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

// An object whose "destructor" poisons it but keeps its memory until the
// test ends, so a reader that still holds it after reclamation sees the
// poison instead of reading freed memory by chance.
struct poisonable {
  static constexpr uint64_t k_alive = 0xa11ce0a11ce0a11c;
  static constexpr uint64_t k_poison = 0xdeadbeefdeadbeef;
  explicit poisonable(int v) : value(v) {
    for (auto& w : words) w.store(k_alive, std::memory_order_relaxed);
  }
  int value;
  std::atomic<uint64_t> words[8];  // read twice per turn by each reader
};

class graveyard {
 public:
  std::shared_ptr<const poisonable> make(int v) {
    auto* p = new poisonable(v);
    return std::shared_ptr<const poisonable>(p, [this](const poisonable* q) { bury(q); });
  }
  int buried() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(dead_.size());
  }

 private:
  void bury(const poisonable* q) {
    auto* w = const_cast<poisonable*>(q);
    for (auto& word : w->words) word.store(poisonable::k_poison, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    dead_.emplace_back(w);
  }
  std::mutex mutex_;
  std::vector<std::unique_ptr<poisonable>> dead_;
};

// Readers hold the object for a whole loop turn (reading it at the start
// and again at the end, as a shard answers a batch) while the writer
// publishes and reclaims as fast as it can. A reclaimed object is poisoned
// in place: a reader that ever sees the poison used a Snapshot after it was
// freed. Under TSan (label tsan) a free without happens-before from the
// reader's last use is also reported as a race.
TEST(Publisher, NoReaderEverSeesAReclaimedObject) {
  constexpr int k_readers = 2;
  constexpr int k_publishes = 20000;
  graveyard yard;
  publisher<poisonable> pub(k_readers);
  pub.publish(yard.make(0));
  std::atomic<bool> done{false};
  std::atomic<long> poisoned{0}, turns{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < k_readers; ++i) {
    readers.emplace_back([&, i] {
      qsbr_reader& r = pub.reader_at(i);
      r.online();
      long n = 0, bad = 0;
      while (!done.load(std::memory_order_relaxed)) {
        const poisonable* p = pub.current();
        for (const auto& w : p->words) bad += w.load(std::memory_order_relaxed) != poisonable::k_alive;
        for (int spin = 0; spin < 32; ++spin) asm volatile("" ::: "memory");
        for (const auto& w : p->words) bad += w.load(std::memory_order_relaxed) != poisonable::k_alive;
        r.quiescent();
        if (++n % 128 == 0) {
          r.offline();
          r.online();
        }
      }
      r.offline();
      poisoned.fetch_add(bad);
      turns.fetch_add(n);
    });
  }
  for (int v = 1; v <= k_publishes; ++v) {
    pub.publish(yard.make(v));
    pub.reclaim();
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(pub.reclaim(), 0u);
  EXPECT_EQ(yard.buried(), k_publishes);
  EXPECT_EQ(poisoned.load(), 0) << "a reader saw a reclaimed object";
  EXPECT_GT(turns.load(), 0);
}

// The store-buffer litmus test (x86-TSO allows a store to be reordered
// after a later load of another location) on the two halves of the
// protocol: the reader passes a quiescent point and loads the pointer for
// its next turn; the publisher stores a new pointer and samples the
// reader's state. The forbidden outcome is the reader loading the OLD
// pointer while the publisher samples the state from BEFORE the quiescent
// point: the publisher then sees the state change a moment later and frees
// the object the reader is using for its whole next turn. With a release
// store in quiescent() x86 produces that outcome (a plain store, then a
// plain load); a sequentially consistent store forbids it.
TEST(Publisher, QuiescentPointIsNotReorderedWithTheNextPointerLoad) {
  qsbr_domain domain(1);
  qsbr_reader& r = domain.reader_at(0);
  alignas(64) std::atomic<const int*> ptr{nullptr};
  const int old_obj = 1, new_obj = 2;
  alignas(64) std::atomic<uint32_t> go{0};
  alignas(64) std::atomic<uint32_t> finished{0};
  alignas(64) std::atomic<bool> saw_old{false};
  std::atomic<bool> quit{false};

  // Spins of random length so that the two sides overlap in every way.
  auto jitter = [](uint32_t& seed, uint32_t range) {
    seed = seed * 1103515245u + 12345u;
    for (uint32_t k = (seed >> 16) % range; k > 0; --k) asm volatile("" ::: "memory");
  };
  auto wait_for = [&](std::atomic<uint32_t>& a, uint32_t v) {
    for (unsigned spins = 0; a.load(std::memory_order_acquire) != v; ++spins) {
      if (quit.load(std::memory_order_relaxed)) return false;
      if (spins > 4096) std::this_thread::yield();
    }
    return true;
  };

  r.online();
  std::thread reader([&] {
    uint32_t seed = 7;
    for (uint32_t i = 1;; ++i) {
      if (!wait_for(go, i)) return;
      jitter(seed, 8);
      r.quiescent();                                          // end of turn i-1
      const int* p = ptr.load(std::memory_order_seq_cst);     // pub.current() for turn i
      saw_old.store(p == &old_obj, std::memory_order_relaxed);
      finished.store(i, std::memory_order_release);
    }
  });

  // With the release store, this file built with -O2 (as CMakeLists.txt
  // asks, sanitizers or not) shows the forbidden outcome on a 2-CPU x86 VM
  // in about 1 of 10^4 rounds, in bursts; unoptimised, the store and the
  // load are too far apart to show it at all. HADNS_LITMUS_SECONDS sets a
  // longer run.
  long seconds = 2;
  if (const char* e = std::getenv("HADNS_LITMUS_SECONDS")) seconds = std::max(1L, std::atol(e));
  uint32_t seed = 11;
  long violations = 0;
  uint32_t i = 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    for (int batch = 0; batch < 256; ++batch) {
      ++i;
      ptr.store(&old_obj, std::memory_order_relaxed);
      uint64_t before = r.state();  // the reader is between turns: stable
      go.store(i, std::memory_order_release);
      jitter(seed, 64);  // the reader sees `go` late: give it time to catch up
      ptr.store(&new_obj, std::memory_order_seq_cst);  // publish()
      uint64_t sampled = r.state();                     // retire() samples the reader
      wait_for(finished, i);
      if (saw_old.load(std::memory_order_relaxed) && sampled == before) ++violations;
    }
  }
  quit.store(true);
  reader.join();
  r.offline();
  RecordProperty("rounds", static_cast<int>(i));
  std::printf("%u rounds, %ld reordered\n", i, violations);
  EXPECT_EQ(violations, 0) << violations << " of " << i
                           << " rounds reordered the quiescent point after the pointer load";
}

}  // namespace
}  // namespace hadns::io
