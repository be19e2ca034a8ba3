#!/usr/bin/env bash
# bench/xdp/testbed.sh -- the AF_XDP test bed: two network namespaces joined
# by a veth pair, the server in one, the load in the other, each pinned to
# its own core, with the server side's receive work (threaded NAPI) on the
# server's core, as a server whose own core handles its NIC would have it.
#
#   bench/xdp/testbed.sh up                 create the namespaces and the veth
#   bench/xdp/testbed.sh run SERVER [SECONDS] [QPS]
#                                          SERVER: hadns-xdp | hadns-uring |
#                                                  knot-xdp | knot-sockets
#   bench/xdp/testbed.sh down               remove everything `up` made
#
# `run` starts the server in the server namespace on SERVER_CPU, floods it
# with kxdpgun (knot-dnsutils; itself AF_XDP, so the load outruns one server
# core) from the load namespace on LOAD_CPU, and prints queries/s answered
# and the server core's CPU time per answered query (from /proc/stat).
# Needs root. Addresses 10.212.0.0/24 exist only inside the namespaces.
#
# Environment: BUILD (default build/release), SERVER_CPU (1), LOAD_CPU (0).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
NS_LOAD=hadns-bench-load
NS_SRV=hadns-bench-srv
IF_LOAD=hbload0
IF_SRV=hbsrv0
IP_LOAD=10.212.0.1
IP_SRV=10.212.0.2
PORT=5300
WORK=${TMPDIR:-/tmp}/hadns-xdp-bench

die() { echo "testbed: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP)"

# The NAPI kthread of a veth end, pinned to a core.
pin_napi() {
  local ns=$1 ifname=$2 cpu=$3 pid
  ip netns exec "$ns" sh -c "echo 1 > /sys/class/net/$ifname/threaded"
  for pid in $(pgrep -x "napi/$ifname-.*" || true); do taskset -pc "$cpu" "$pid" >/dev/null; done
}

up() {
  ip netns add $NS_LOAD
  ip netns add $NS_SRV
  ip link add $IF_LOAD netns $NS_LOAD type veth peer name $IF_SRV netns $NS_SRV
  for side in "$NS_LOAD $IF_LOAD $IP_LOAD" "$NS_SRV $IF_SRV $IP_SRV"; do
    set -- $side
    ip -n "$1" link set lo up
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
    # GRO gives the veth a NAPI instance; with TSO on, veth skips NAPI for
    # plain UDP skbs.
    ip netns exec "$1" ethtool -K "$2" gro on tso off >/dev/null 2>&1 || true
  done
  local mac_load mac_srv
  mac_load=$(ip -n $NS_LOAD -br link show $IF_LOAD | awk '{print $3}')
  mac_srv=$(ip -n $NS_SRV -br link show $IF_SRV | awk '{print $3}')
  ip -n $NS_LOAD neigh replace $IP_SRV lladdr "$mac_srv" dev $IF_LOAD nud permanent
  ip -n $NS_SRV neigh replace $IP_LOAD lladdr "$mac_load" dev $IF_SRV nud permanent
  pin_napi $NS_SRV $IF_SRV "$SERVER_CPU"
  pin_napi $NS_LOAD $IF_LOAD "$LOAD_CPU"
  echo "testbed: up ($NS_LOAD/$IF_LOAD $IP_LOAD <-> $NS_SRV/$IF_SRV $IP_SRV)"
}

down() {
  ip netns del $NS_LOAD 2>/dev/null || true
  ip netns del $NS_SRV 2>/dev/null || true
  rm -rf "$WORK"
}

write_inputs() {
  mkdir -p "$WORK"
  {
    echo '$ORIGIN bench.test.'
    echo '$TTL 300'
    echo '@ IN SOA ns1 hostmaster 1 3600 600 604800 60'
    echo '  IN NS ns1'
    echo "ns1 IN A $IP_SRV"
    for i in $(seq 1 1000); do echo "host$i IN A 192.0.2.$((i % 250 + 1))"; done
  } >"$WORK/bench.test.zone"
  # kxdpgun query templates: positive names and some NXDOMAIN.
  {
    for i in $(seq 1 900); do echo "host$i.bench.test. A"; done
    for i in $(seq 1 100); do echo "absent$i.bench.test. A"; done
  } >"$WORK/queries.txt"
}

write_knot_config() {  # $1: xdp | sockets (one UDP worker either way)
  local xdp=""
  [ "$1" = xdp ] && xdp="xdp:
    listen: $IF_SRV@$PORT"
  cat >"$WORK/knot.conf" <<CONF
server:
    rundir: "$WORK"
    listen: $IP_SRV@$PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
$xdp
database:
    storage: "$WORK"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$WORK"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
    semantic-checks: off
zone:
  - domain: bench.test.
    file: "$WORK/bench.test.zone"
CONF
}

write_config() {  # $1: xdp | uring
  local xdp=""
  [ "$1" = xdp ] && xdp="  xdp: { interface: $IF_SRV, mode: native }"
  cat >"$WORK/hadns.yaml" <<YAML
server:
  listen: [$IP_SRV:$PORT]
  shards: 1
$xdp
control:
  listen: off
zones:
  - origin: bench.test.
    file: bench.test.zone
YAML
}

cpu_busy() {  # busy and total ticks of one CPU
  awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

# CPU ticks (user + system) of the server process and of the server side's
# NAPI thread: the server's cost per query even when other work shares the
# core.
server_ticks() {  # $1: server pid
  local pids="$1 $(pgrep -x "napi/$IF_SRV-.*" || true)" p sum=0
  for p in $pids; do
    sum=$((sum + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat")))
  done
  echo $sum
}

run() {
  local server=$1 seconds=${2:-5} qps=${3:-1000000} pid
  ip netns list | grep -q "^$NS_SRV" || die "run 'up' first"
  write_inputs
  # Knot leaves its XDP program attached when it exits.
  ip -n $NS_SRV link set dev $IF_SRV xdp off 2>/dev/null || true
  local cmd
  case $server in
    hadns-xdp | hadns-uring)
      write_config "${server#hadns-}"
      [ -x "$BUILD/engine/hadnsd" ] || die "no $BUILD/engine/hadnsd (build it, or set BUILD)"
      cmd=("$BUILD/engine/hadnsd" --config "$WORK/hadns.yaml") ;;
    knot-xdp | knot-sockets)
      write_knot_config "${server#knot-}"
      cmd=(/usr/sbin/knotd -c "$WORK/knot.conf") ;;
    *) die "unknown server '$server' (hadns-xdp | hadns-uring | knot-xdp | knot-sockets)" ;;
  esac
  ip netns exec $NS_SRV taskset -c "$SERVER_CPU" "${cmd[@]}" >"$WORK/server.log" 2>&1 &
  pid=$!
  local ok=""
  for _ in $(seq 1 100); do
    if ip netns exec $NS_SRV kdig @$IP_SRV -p $PORT +tcp +retry=0 +timeout=1 bench.test. SOA 2>/dev/null |
         grep -q "status: NOERROR"; then ok=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$ok" ] || { kill "$pid" 2>/dev/null; cat "$WORK/server.log"; die "server did not start"; }

  read -r busy0 total0 < <(cpu_busy "$SERVER_CPU")
  local own0 own1
  own0=$(server_ticks "$pid")
  ip netns exec $NS_LOAD kxdpgun -t "$seconds" -Q "$qps" -p $PORT -F "$LOAD_CPU" -i "$WORK/queries.txt" \
    -I $IF_LOAD $IP_SRV >"$WORK/load.log" 2>&1 || true
  read -r busy1 total1 < <(cpu_busy "$SERVER_CPU")
  own1=$(server_ticks "$pid")
  kill -TERM "$pid"
  wait "$pid" || true

  local replies answered
  replies=$(awk '/total replies:/ { print $3; exit }' "$WORK/load.log")
  [ -n "$replies" ] && [ "$replies" -gt 0 ] || { cat "$WORK/load.log"; die "no replies counted"; }
  # CPU per query counts what the server answered (hadnsd's own counters),
  # which is more than the load received when the load's core drops; for
  # other servers, what the load received.
  answered=$( (grep -o '[a-z]*_responses=[0-9]*' "$WORK/server.log" || true) | awk -F= '{ n += $2 } END { print n + 0 }')
  [ "$answered" -gt 0 ] || answered=$replies
  awk -v s="$server" -v r="$replies" -v n="$answered" -v t="$seconds" -v b=$((busy1 - busy0)) \
      -v a=$((total1 - total0)) -v o=$((own1 - own0)) -v cpu="$SERVER_CPU" 'BEGIN {
    hz = 100;  # USER_HZ: /proc/stat counts in 1/100 s
    printf "%-12s %7.0f q/s received, %7.0f q/s answered; CPU%d busy %5.1f%%, %5.2f us/answer;" \
      " server + its NAPI thread %5.2f us/answer\n",
      s, r / t, n / t, cpu, 100 * b / a, (b / hz) * 1e6 / n, (o / hz) * 1e6 / n
  }'
  grep -E "total (queries|replies)" "$WORK/load.log" | sed 's/^/  kxdpgun: /'
}

case ${1:-} in
  up) up ;;
  down) down ;;
  run) shift; run "$@" ;;
  *) die "usage: $0 up | down | run hadns-xdp|hadns-uring|knot-xdp|knot-sockets [SECONDS] [QPS]" ;;
esac
