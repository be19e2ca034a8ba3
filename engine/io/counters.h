// engine/io/counters.h -- per-shard counters: queries and responses by
// protocol and rcode, drops, truncations, TCP connection events.
//
// Memory ordering: each shard_counters has exactly one writer (its shard),
// which bumps with relaxed load+store (no locked instruction); readers
// (control, metrics, the shutdown log) load relaxed and sum over shards
// with read(). Each shard's block starts on its own cache line, so shards
// never share a written line.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace hadns::io {

enum class proto : uint8_t { udp = 0, tcp = 1, udp_xdp = 2 };
inline constexpr int k_protos = 3;
// rcodes 0..22 counted by value (BADVERS = 16 included); anything else
// in the last bucket.
inline constexpr int k_rcode_buckets = 24;

const char* to_string(proto p) noexcept;

// A plain copy of the counters, for reading and summing.
struct shard_stats {
  std::array<uint64_t, k_protos> queries{};
  std::array<std::array<uint64_t, k_rcode_buckets>, k_protos> responses{};
  std::array<uint64_t, k_protos> dropped{};
  std::array<uint64_t, k_protos> truncated{};
  uint64_t tcp_accepted = 0;
  uint64_t tcp_closed = 0;
  uint64_t tcp_refused = 0;    // over tcp_max_connections
  uint64_t tcp_timeouts = 0;   // closed by tcp_idle_timeout
  uint64_t tcp_errors = 0;     // garbage or bad length

  uint64_t responses_total(proto p) const noexcept;
  shard_stats& operator+=(const shard_stats& o) noexcept;
  // "udp_q=.. udp_r=.. tcp_q=.. tcp_r=.. drop=.. tc=.. tcp_acc=.. ..." for logs.
  std::string summary() const;
};

class alignas(64) shard_counters {
 public:
  void query(proto p) noexcept { bump(queries_[idx(p)]); }
  void response(proto p, uint8_t rcode, bool truncated) noexcept {
    bump(responses_[idx(p)][rcode < k_rcode_buckets - 1 ? rcode : k_rcode_buckets - 1]);
    if (truncated) bump(truncated_[idx(p)]);
  }
  void drop(proto p) noexcept { bump(dropped_[idx(p)]); }
  void tcp_accepted() noexcept { bump(tcp_accepted_); }
  void tcp_closed() noexcept { bump(tcp_closed_); }
  void tcp_refused() noexcept { bump(tcp_refused_); }
  void tcp_timeout() noexcept { bump(tcp_timeouts_); }
  void tcp_error() noexcept { bump(tcp_errors_); }

  shard_stats read() const noexcept;

 private:
  static size_t idx(proto p) noexcept { return static_cast<size_t>(p); }
  static void bump(std::atomic<uint64_t>& c) noexcept {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  std::array<std::atomic<uint64_t>, k_protos> queries_{};
  std::array<std::array<std::atomic<uint64_t>, k_rcode_buckets>, k_protos> responses_{};
  std::array<std::atomic<uint64_t>, k_protos> dropped_{};
  std::array<std::atomic<uint64_t>, k_protos> truncated_{};
  std::atomic<uint64_t> tcp_accepted_{0};
  std::atomic<uint64_t> tcp_closed_{0};
  std::atomic<uint64_t> tcp_refused_{0};
  std::atomic<uint64_t> tcp_timeouts_{0};
  std::atomic<uint64_t> tcp_errors_{0};
};

}  // namespace hadns::io
