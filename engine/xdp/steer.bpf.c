// engine/xdp/steer.bpf.c -- the XDP program: which frames go to our AF_XDP
// sockets and which go on to the kernel.
//
// Only what the front end answers by itself is redirected: an IPv4 packet
// with no options and no fragmentation, or an IPv6 packet whose next header
// is UDP (no extension headers), carrying UDP to one of `listen`'s
// address+port pairs (a wildcard listen address is stored as all zeros).
// Everything else -- TCP, ICMP, ARP, ND, fragments, IP options, other
// ports, VLAN tags -- is XDP_PASS, so the kernel's own stack still sees it.
// User space fills listen_v4 / listen_v6 before attaching and puts one XSK
// per RX queue in xsks; a queue without an XSK passes (the redirect's
// fallback action).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct listen_v4_key {
  __u32 addr;  // network order
  __u16 port;  // network order
  __u16 pad;
};

struct listen_v6_key {
  __u8 addr[16];
  __u16 port;  // network order
  __u16 pad;
};

struct {
  __uint(type, BPF_MAP_TYPE_XSKMAP);
  __uint(max_entries, 256);
  __type(key, __u32);
  __type(value, __u32);
} xsks SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, struct listen_v4_key);
  __type(value, __u8);
} listen_v4 SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, struct listen_v6_key);
  __type(value, __u8);
} listen_v6 SEC(".maps");

static __always_inline int to_queue(struct xdp_md* ctx) {
  return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int hadns_steer(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end) return XDP_PASS;

  if (eth->h_proto == bpf_htons(ETH_P_IP)) {
    struct iphdr* ip = (void*)(eth + 1);
    if ((void*)(ip + 1) > end) return XDP_PASS;
    if (ip->ihl != 5 || ip->protocol != IPPROTO_UDP) return XDP_PASS;
    if (ip->frag_off & bpf_htons(0x3fff)) return XDP_PASS;  // MF or an offset
    struct udphdr* udp = (void*)(ip + 1);
    if ((void*)(udp + 1) > end) return XDP_PASS;
    struct listen_v4_key k = {.addr = ip->daddr, .port = udp->dest, .pad = 0};
    if (bpf_map_lookup_elem(&listen_v4, &k)) return to_queue(ctx);
    k.addr = 0;
    if (bpf_map_lookup_elem(&listen_v4, &k)) return to_queue(ctx);
    return XDP_PASS;
  }

  if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
    struct ipv6hdr* ip6 = (void*)(eth + 1);
    if ((void*)(ip6 + 1) > end) return XDP_PASS;
    if (ip6->nexthdr != IPPROTO_UDP) return XDP_PASS;
    struct udphdr* udp = (void*)(ip6 + 1);
    if ((void*)(udp + 1) > end) return XDP_PASS;
    struct listen_v6_key k = {.port = udp->dest, .pad = 0};
    __builtin_memcpy(k.addr, &ip6->daddr, 16);
    if (bpf_map_lookup_elem(&listen_v6, &k)) return to_queue(ctx);
    __builtin_memset(k.addr, 0, 16);
    if (bpf_map_lookup_elem(&listen_v6, &k)) return to_queue(ctx);
    return XDP_PASS;
  }
  return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
