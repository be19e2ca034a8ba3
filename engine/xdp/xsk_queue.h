// engine/xdp/xsk_queue.h -- one RX queue's AF_XDP socket: its UMEM, fill,
// completion, RX and TX rings, and the batch loop that answers from them.
//
// UMEM: k_frames frames of k_frame_size bytes. The first half is lent to the
// kernel through the fill ring for receiving; a received frame goes straight
// back to the fill ring once its query is answered. The second half is the
// TX pool: a reply is written into a free TX frame, which returns to the
// pool when the completion ring gives it back. Neither ring can then ever
// be short of room, so no reserve fails.
//
// Threads: built on the main thread (start-up errors surface there), then
// used only by the one shard it is handed to (frame_front).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <xdp/xsk.h>

#include "engine/config/config.h"
#include "engine/io/frame_front.h"

namespace hadns::xdp {

struct xdp_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class xsk_queue final : public io::frame_front {
 public:
  static constexpr uint32_t k_frames = 4096;
  static constexpr uint32_t k_frame_size = XSK_UMEM__DEFAULT_FRAME_SIZE;  // 4096
  static constexpr uint32_t k_ring = k_frames / 2;
  static constexpr uint32_t k_batch = 64;

  // Binds an AF_XDP socket to `queue` of `ifname` and puts it in the XSK
  // map. Throws xdp_error naming the queue and the kernel's reason.
  xsk_queue(const std::string& ifname, uint32_t queue, config::xdp_zero_copy zc, int xsks_map_fd,
            unsigned mtu);
  ~xsk_queue() override;
  xsk_queue(const xsk_queue&) = delete;
  xsk_queue& operator=(const xsk_queue&) = delete;

  int fd() const noexcept override;
  bool on_ready(const zone::snapshot* snap, uint16_t max_udp, io::shard_counters& counters) noexcept override;

  bool zero_copy() const noexcept { return zero_copy_; }

 private:
  void reclaim_tx() noexcept;
  bool kick_tx() noexcept;
  bool answer_one(const xdp_desc& rx, const zone::snapshot* snap, uint16_t max_udp,
                  io::shard_counters& counters) noexcept;

  void* area_ = nullptr;
  size_t area_bytes_ = 0;
  xsk_umem* umem_ = nullptr;
  xsk_socket* xsk_ = nullptr;
  xsk_ring_prod fill_{};
  xsk_ring_cons comp_{};
  xsk_ring_cons rx_{};
  xsk_ring_prod tx_{};
  uint64_t free_tx_[k_ring];  // addresses of free TX frames (a stack)
  uint32_t free_n_ = 0;
  bool tx_pending_ = false;   // frames submitted to TX that no kick has sent yet
  unsigned mtu_ = 1500;
  bool zero_copy_ = false;
};

}  // namespace hadns::xdp
