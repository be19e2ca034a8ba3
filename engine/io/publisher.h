// engine/io/publisher.h -- the live Snapshot behind one atomic pointer, and
// its safe reclamation (QSBR: quiescent-state-based reclamation).
//
// publish(next) makes `next` live with one atomic pointer store and retires
// the previous object. A retired object is freed only after every shard has
// passed a quiescent point since the store. Shards are the QSBR readers:
//
//   reader.online();                 // after waking up, before reading
//   for (;;) {
//     const T* s = pub.current();    // use `s` during this loop turn only
//     ... answer packets with *s ...
//     reader.quiescent();            // once per loop turn: `s` is dead now
//     reader.offline(); block(); reader.online();   // when idle
//   }
//
// A shard that is offline (blocked waiting for completions) never holds a
// reclamation up. Non-shard readers (control, probes) call acquire() for a
// counted reference instead. publish() never waits for reclamation: retired
// objects are freed by reclaim(), which the owner calls from time to time
// (publish() also tries once).
//
// Memory ordering: each reader's state word is written only by its shard
// and lives on its own cache line. publish() stores the pointer (seq_cst)
// and then samples every reader's state (seq_cst). On the reader's side,
// online() and quiescent() store the state with seq_cst, and the pointer is
// loaded (seq_cst) after them. That is the store-buffer pattern (store A,
// load B on one side; store B, load A on the other), and only sequential
// consistency on all four accesses keeps the two from both reading the old
// values: a release store may be reordered after a later load (x86's store
// buffer does it, ARM too). With a release store in quiescent(), a shard
// could load the OLD pointer for its next turn while the publisher still
// samples the state from BEFORE that quiescent point; the publisher would
// then see the state change, take it for a quiescent point after the
// pointer store, and free the Snapshot the shard reads for its whole turn.
// With seq_cst, either the publisher's sample sees the new state (and waits
// for the one after it) or the shard's load sees the new pointer. This is
// what liburcu's QSBR does (a full barrier around its quiescent-state
// store). The cost is one locked instruction (x86: xchg) per loop turn, not
// per packet. offline() is a release store: it orders the turn's reads
// before it, and no pointer load follows it before online() (seq_cst).
// A state word is odd while online and changes at every quiescent point;
// an even value (offline) holds no reference.
//
// Threads: current()/reader_at(i) from shard i only; publish/acquire/reclaim
// from any other thread (they serialise on an internal mutex).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace hadns::io {

// One QSBR reader's state word, alone on its cache line.
class alignas(64) qsbr_reader {
 public:
  // Marks this reader online; call before reading the pointer after offline().
  void online() noexcept {
    uint64_t v = state_.load(std::memory_order_relaxed);
    if ((v & 1) == 0) state_.store(v + 1, std::memory_order_seq_cst);
  }
  // A quiescent point: no pointer read before this call is used after it.
  // seq_cst, not release: the next turn's pointer load must not move
  // before this store (see "Memory ordering" above).
  void quiescent() noexcept {
    uint64_t v = state_.load(std::memory_order_relaxed);
    state_.store(v + 2, std::memory_order_seq_cst);
  }
  // Quiescent until the next online(): call before blocking.
  void offline() noexcept {
    uint64_t v = state_.load(std::memory_order_relaxed);
    if (v & 1) state_.store(v + 1, std::memory_order_release);
  }
  uint64_t state() const noexcept { return state_.load(std::memory_order_seq_cst); }

 private:
  std::atomic<uint64_t> state_{0};  // starts offline
};

// The type-independent part: reader states and the retired list.
class qsbr_domain {
 public:
  explicit qsbr_domain(int readers);
  qsbr_domain(const qsbr_domain&) = delete;
  qsbr_domain& operator=(const qsbr_domain&) = delete;

  int readers() const noexcept { return n_; }
  qsbr_reader& reader_at(int i) noexcept { return readers_[i]; }

  // Retires `old` (already unpublished): samples every reader's state now.
  void retire(std::shared_ptr<const void> old);
  // Frees every retired object that no reader can still see; returns how
  // many are still waiting.
  size_t reclaim();
  size_t pending() const;

 private:
  bool safe(const std::vector<uint64_t>& seen) const noexcept;

  int n_;
  std::unique_ptr<qsbr_reader[]> readers_;
  mutable std::mutex mutex_;
  struct retired {
    std::shared_ptr<const void> object;
    std::vector<uint64_t> seen;
  };
  std::vector<retired> retired_;
};

template <class T>
class publisher {
 public:
  explicit publisher(int readers) : domain_(readers) {}

  // Shard side: the live object for this loop turn (nullptr before the
  // first publish). Only between reader.online() and the next quiescent
  // point or offline().
  const T* current() const noexcept { return ptr_.load(std::memory_order_seq_cst); }
  qsbr_reader& reader_at(int i) noexcept { return domain_.reader_at(i); }
  int readers() const noexcept { return domain_.readers(); }

  // Makes `next` live with one store; the previous object is retired.
  void publish(std::shared_ptr<const T> next) {
    std::shared_ptr<const T> old;
    {
      std::lock_guard lock(mutex_);
      old = std::move(owner_);
      owner_ = next;
      ptr_.store(next.get(), std::memory_order_seq_cst);
    }
    if (old) domain_.retire(std::move(old));
    domain_.reclaim();
  }

  // Non-shard readers: a counted reference, valid as long as it is held.
  std::shared_ptr<const T> acquire() const {
    std::lock_guard lock(mutex_);
    return owner_;
  }

  size_t reclaim() { return domain_.reclaim(); }
  size_t pending() const { return domain_.pending(); }

 private:
  std::atomic<const T*> ptr_{nullptr};
  mutable std::mutex mutex_;
  std::shared_ptr<const T> owner_;
  qsbr_domain domain_;
};

}  // namespace hadns::io
