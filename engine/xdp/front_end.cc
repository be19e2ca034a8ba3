// engine/xdp/front_end.cc -- attaching the AF_XDP front end (see front_end.h).
#include "engine/xdp/front_end.h"

#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <cstdio>

#include <fmt/core.h>

#include "engine/xdp/steer_object.h"

namespace hadns::xdp {

namespace {

// The libraries' own chatter stays out of the log; their warnings stay on
// stderr, where start-up problems are looked for.
int quiet_libxdp(libxdp_print_level level, const char* fmt, va_list args) {
  return level == LIBXDP_WARN ? std::vfprintf(stderr, fmt, args) : 0;
}
int quiet_libbpf(libbpf_print_level level, const char* fmt, va_list args) {
  return level == LIBBPF_WARN ? std::vfprintf(stderr, fmt, args) : 0;
}

std::string permission_hint(int err) {
  return err == EPERM || err == EACCES ? " (needs root, or CAP_NET_ADMIN and CAP_BPF)" : "";
}

// Asked of the kernel through the interface's own network namespace (an
// ioctl on a socket), not /sys, which shows the namespace it was mounted in.
int ifreq_ioctl(const std::string& ifname, unsigned long request, ifreq& ifr, void* data = nullptr) {
  std::memset(&ifr, 0, sizeof ifr);
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname.c_str());
  ifr.ifr_data = static_cast<char*>(data);
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int r = ::ioctl(fd, request, &ifr);
  ::close(fd);
  return r;
}

int rx_queue_count(const std::string& ifname) {
  ethtool_channels ch{};
  ch.cmd = ETHTOOL_GCHANNELS;
  ifreq ifr;
  // A driver without channel support has one queue.
  if (ifreq_ioctl(ifname, SIOCETHTOOL, ifr, &ch) != 0) return 1;
  const int n = static_cast<int>(std::max(ch.rx_count, ch.combined_count));
  return n > 0 ? n : 1;
}

unsigned interface_mtu(const std::string& ifname) {
  ifreq ifr;
  if (ifreq_ioctl(ifname, SIOCGIFMTU, ifr) == 0 && ifr.ifr_mtu >= 576)
    return static_cast<unsigned>(ifr.ifr_mtu);
  return 1500;
}

const char* mode_name(int m) {
  return m == XDP_MODE_NATIVE ? "native" : m == XDP_MODE_SKB ? "generic" : "unknown";
}

struct listen_v4_key {
  uint32_t addr;
  uint16_t port;
  uint16_t pad;
};
struct listen_v6_key {
  uint8_t addr[16];
  uint16_t port;
  uint16_t pad;
};

}  // namespace

front_end::front_end(const config::xdp_config& cfg, const std::vector<config::endpoint>& listen)
    : ifname_(cfg.interface) {
  libxdp_set_print(quiet_libxdp);
  libbpf_set_print(quiet_libbpf);
  ifindex_ = static_cast<int>(if_nametoindex(ifname_.c_str()));
  if (!ifindex_) throw xdp_error(fmt::format("server.xdp.interface: no interface named '{}'", ifname_));
  mtu_ = interface_mtu(ifname_);
  const int available = rx_queue_count(ifname_);
  const int queues = cfg.queues > 0 ? cfg.queues : available;
  if (queues > available)
    throw xdp_error(fmt::format("server.xdp.queues is {} but {} has {} RX queue(s)", queues, ifname_, available));

  attach(cfg.mode);
  try {
    fill_listen_maps(listen);
    const int xsks = bpf_object__find_map_fd_by_name(xdp_program__bpf_obj(prog_), "xsks");
    if (xsks < 0) throw xdp_error("the XDP program has no xsks map");
    for (int q = 0; q < queues; ++q)
      queues_.push_back(std::make_unique<xsk_queue>(ifname_, static_cast<uint32_t>(q), cfg.zero_copy, xsks, mtu_));
  } catch (...) {
    queues_.clear();
    detach();
    throw;
  }
}

front_end::~front_end() {
  queues_.clear();
  detach();
}

// libxdp does not own an object it was given: it is closed here, after the
// program.
void front_end::detach() noexcept {
  if (!prog_) return;
  bpf_object* obj = xdp_program__bpf_obj(prog_);
  xdp_program__detach(prog_, ifindex_, static_cast<xdp_attach_mode>(attach_mode_), 0);
  xdp_program__close(prog_);
  bpf_object__close(obj);
  prog_ = nullptr;
}

void front_end::attach(config::xdp_mode mode) {
  const std::vector<xdp_attach_mode> tries =
      mode == config::xdp_mode::native    ? std::vector{XDP_MODE_NATIVE}
      : mode == config::xdp_mode::generic ? std::vector{XDP_MODE_SKB}
                                          : std::vector{XDP_MODE_NATIVE, XDP_MODE_SKB};
  std::string failures;
  for (xdp_attach_mode m : tries) {
    // A fresh object for each try: a failed attach may leave it loaded.
    bpf_object_open_opts oopts{};
    oopts.sz = sizeof oopts;
    oopts.object_name = "hadns_steer";
    bpf_object* obj = bpf_object__open_mem(steer_object().data(), steer_object().size(), &oopts);
    if (!obj) throw xdp_error(fmt::format("cannot open the XDP program: {}", std::strerror(errno)));
    xdp_program_opts popts{};
    popts.sz = sizeof popts;
    popts.obj = obj;
    popts.prog_name = "hadns_steer";
    xdp_program* p = xdp_program__create(&popts);
    if (long e = libxdp_get_error(p); e || !p) {
      bpf_object__close(obj);
      throw xdp_error(fmt::format("cannot create the XDP program: {}", std::strerror(static_cast<int>(-e))));
    }
    const int rc = xdp_program__attach(p, ifindex_, m, 0);
    if (rc == 0) {
      prog_ = p;
      attach_mode_ = m;
      return;
    }
    xdp_program__close(p);
    bpf_object__close(obj);
    const int err = -rc;
    if (err == EPERM || err == EACCES)
      throw xdp_error(fmt::format("cannot attach XDP to {}: {}{}", ifname_, std::strerror(err), permission_hint(err)));
    if (!failures.empty()) failures += "; ";
    failures += fmt::format("{} mode: {}", mode_name(m), std::strerror(err));
    if (err == EOPNOTSUPP && m == XDP_MODE_NATIVE) failures += " (the driver has no native XDP)";
    if (err == EBUSY || err == EEXIST)
      failures += " (another XDP program is attached: detach it first, e.g. ip link set dev " + ifname_ + " xdp off)";
  }
  throw xdp_error(fmt::format("cannot attach XDP to {} ({})", ifname_, failures));
}

void front_end::fill_listen_maps(const std::vector<config::endpoint>& listen) {
  bpf_object* obj = xdp_program__bpf_obj(prog_);
  const int v4 = bpf_object__find_map_fd_by_name(obj, "listen_v4");
  const int v6 = bpf_object__find_map_fd_by_name(obj, "listen_v6");
  if (v4 < 0 || v6 < 0) throw xdp_error("the XDP program has no listen maps");
  const uint8_t one = 1;
  for (const auto& ep : listen) {
    int rc = 0;
    if (ep.family == AF_INET) {
      listen_v4_key k{};
      std::memcpy(&k.addr, ep.addr.data(), 4);
      k.port = htons(ep.port);
      rc = bpf_map_update_elem(v4, &k, &one, BPF_ANY);
    } else {
      listen_v6_key k{};
      std::memcpy(k.addr, ep.addr.data(), 16);
      k.port = htons(ep.port);
      rc = bpf_map_update_elem(v6, &k, &one, BPF_ANY);
    }
    if (rc) throw xdp_error(fmt::format("cannot steer {} to AF_XDP: {}", ep.text, std::strerror(errno)));
  }
}

std::vector<io::frame_front*> front_end::queues() const {
  std::vector<io::frame_front*> out;
  for (const auto& q : queues_) out.push_back(q.get());
  return out;
}

std::string front_end::describe() const {
  const bool zc = !queues_.empty() && queues_.front()->zero_copy();
  return fmt::format("{}: {} queue(s), {} XDP, {} mode, MTU {}", ifname_, queues_.size(), mode_name(attach_mode_),
                     zc ? "zero-copy" : "copy", mtu_);
}

}  // namespace hadns::xdp
