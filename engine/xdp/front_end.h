// engine/xdp/front_end.h -- the AF_XDP front end of one interface: loads and
// attaches the steering program (steer.bpf.c) with libxdp, fills its
// listen maps from server.listen, and opens one xsk_queue per RX queue.
//
// Start-up errors are xdp_error with the reason spelled out: not permitted
// (root, or CAP_NET_ADMIN and CAP_BPF, are needed), no such interface, no
// driver support for the XDP mode or zero-copy asked for. Destroying it
// closes the sockets and detaches the program, so the interface's traffic
// goes to the kernel again.
//
// Threads: construct and destroy on the main thread; the queues are handed
// to shards (io::server::add_frames) and must outlive them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/io/frame_front.h"
#include "engine/xdp/xsk_queue.h"

struct xdp_program;

namespace hadns::xdp {

class front_end {
 public:
  front_end(const config::xdp_config& cfg, const std::vector<config::endpoint>& listen);
  ~front_end();
  front_end(const front_end&) = delete;
  front_end& operator=(const front_end&) = delete;

  std::vector<io::frame_front*> queues() const;
  // "veth0: 1 queue(s), native XDP, copy mode", for the start-up log.
  std::string describe() const;

 private:
  void attach(config::xdp_mode mode);
  void detach() noexcept;
  void fill_listen_maps(const std::vector<config::endpoint>& listen);

  std::string ifname_;
  int ifindex_ = 0;
  unsigned mtu_ = 1500;
  xdp_program* prog_ = nullptr;
  int attach_mode_ = 0;  // enum xdp_attach_mode once attached
  std::vector<std::unique_ptr<xsk_queue>> queues_;
};

}  // namespace hadns::xdp
