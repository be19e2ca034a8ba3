"""bench/peers/peers.py -- start Knot DNS, NSD and hadnsd as peer servers for
side-by-side benchmarks, each on a loopback port, pinned to one core.

Each server gets a minimal config written into its own temporary folder
(run files, storage, pid file all inside it), serves one zone file, answers
on 127.0.0.1@PORT over UDP and TCP, and uses one worker for UDP, so that
the three are compared on equal terms: one core each, the same zone.

  Knot DNS  udp-workers/tcp-workers/background-workers 1, no journal, no
            DNSSEC, zone file loaded whole, semantic checks off.
            Knot has no socket-buffer setting: its UDP socket keeps the
            system default receive buffer (net.core.rmem_default).
  NSD       server-count 1, do-ip4 only, no remote control, no database
            (the zone file is read at start), RRL off, receive buffer 2 MiB,
            run in the foreground (-d).
  hadnsd    server.listen 127.0.0.1:PORT, shards 1, control off.

A server is started with `taskset -c CORE` (taskset execs the server, so the
PID we hold is the server's), is ready when ORIGIN SOA gets NOERROR over UDP
(polled every 5 ms, then confirmed with `kdig @127.0.0.1 -p PORT`), and is
stopped by its PID (SIGTERM, then SIGKILL).

    import peers
    with peers.start("knot", zone_file, "bench.test.", port, core=0) as p:
        ...   # p.pid, p.port, p.ready_seconds
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import dns.exception

KNOTD = "/usr/sbin/knotd"
NSD = "/usr/sbin/nsd"
KDIG = "/usr/bin/kdig"
TIME = "/usr/bin/time"

SERVERS = ("hadnsd", "knot", "nsd")


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (bind port 0, then release)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind(("127.0.0.1", port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port found")


def answers(port, origin, timeout=0.2):
    """True when the server on 127.0.0.1:port answers ORIGIN SOA with NOERROR.

    A connected UDP socket, so a port nobody listens on fails at once
    (ICMP port unreachable) instead of waiting out the timeout; the start-up
    times measured by bench/compare --zone-load depend on that."""
    import dns.message
    import dns.rcode
    query = dns.message.make_query(origin, "SOA")
    query.flags = 0
    wire = query.to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(("127.0.0.1", port))
            s.send(wire)
            reply = dns.message.from_wire(s.recv(65535))
        except (OSError, dns.exception.DNSException):
            return False
    return reply.id == query.id and reply.rcode() == dns.rcode.NOERROR


def kdig_soa(port, origin):
    """kdig's view of ORIGIN SOA on 127.0.0.1:port (for logs and checks)."""
    try:
        out = subprocess.run(
            [KDIG, "@127.0.0.1", "-p", str(port), "+notcp", "+time=2", "+retry=1", origin, "SOA"],
            capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        return "kdig timed out"
    return out.stdout + out.stderr


def zone_list(zone_file, origin):
    """[(origin, absolute file)]: one zone, or the list `zone_file` already is."""
    if isinstance(zone_file, (list, tuple)):
        return [(o if o.endswith(".") else o + ".", os.path.abspath(f)) for o, f in zone_file]
    return [(origin, os.path.abspath(zone_file))]


def knot_config(workdir, zone_file, origin, port):
    zones = "".join(f"""  - domain: {o}
    file: "{f}"
""" for o, f in zone_list(zone_file, origin))
    return f"""server:
    rundir: "{workdir}"
    listen: 127.0.0.1@{port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "{workdir}"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "{workdir}"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
    semantic-checks: off
    dnssec-signing: off
zone:
{zones}"""


def nsd_config(workdir, zone_file, origin, port):
    zones = "".join(f"""zone:
    name: {o}
    zonefile: "{f}"
""" for o, f in zone_list(zone_file, origin))
    return f"""server:
    server-count: 1
    ip-address: 127.0.0.1
    port: {port}
    do-ip4: yes
    do-ip6: no
    verbosity: 0
    username: ""
    chroot: ""
    pidfile: "{workdir}/nsd.pid"
    zonesdir: "{workdir}"
    database: ""
    zonelistfile: "{workdir}/zone.list"
    xfrdfile: "{workdir}/xfrd.state"
    xfrdir: "{workdir}"
    zonefiles-write: 0
    zonefiles-check: no
    receive-buffer-size: 2097152
    send-buffer-size: 2097152
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    logfile: "{workdir}/nsd.log"
remote-control:
    control-enable: no
verify:
    enable: no
{zones}"""


def hadns_config(workdir, zone_file, origin, port):
    zones = "".join(f"""  - origin: {o}
    file: {f}
""" for o, f in zone_list(zone_file, origin))
    return f"""server:
  listen: [127.0.0.1:{port}]
  shards: 1
control:
  listen: off
  state_file: {workdir}/hadns-state.json
zones:
{zones}"""


def hadnsd_binary(build_dir):
    return os.path.join(os.path.abspath(build_dir), "engine", "hadnsd")


def command(server, workdir, zone_file, origin, port, build_dir=None):
    """Writes the server's config into workdir; returns (argv, config path)."""
    if server == "knot":
        conf = os.path.join(workdir, "knot.conf")
        text = knot_config(workdir, zone_file, origin, port)
        argv = [KNOTD, "-c", conf]
    elif server == "nsd":
        conf = os.path.join(workdir, "nsd.conf")
        text = nsd_config(workdir, zone_file, origin, port)
        argv = [NSD, "-d", "-c", conf]
    elif server == "hadnsd":
        if not build_dir:
            raise ValueError("hadnsd needs the build folder")
        conf = os.path.join(workdir, "hadns.yaml")
        text = hadns_config(workdir, zone_file, origin, port)
        argv = [hadnsd_binary(build_dir), "--config", conf]
    else:
        raise ValueError(f"unknown server {server!r} (one of {', '.join(SERVERS)})")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(text)
    return argv, conf


class Peer:
    """A running peer server. Use as a context manager, or call stop()."""

    def __init__(self, server, zone_file, origin, port, core=None, build_dir=None,
                 ready_timeout=120.0, time_v=False, keep_dir=False):
        """zone_file: one zone file for `origin`, or a list of (origin, file)
        pairs; with a list, the server is ready once a sample of its origins
        (up to 50, spread over the list) answers, since Knot loads zones in
        the background after it starts answering."""
        self.server = server
        if isinstance(zone_file, (list, tuple)):
            origin = zone_list(zone_file, origin)[0][0]
        self.origin = origin if origin.endswith(".") else origin + "."
        self.port = port
        self.core = core
        self.keep_dir = keep_dir
        self.workdir = tempfile.mkdtemp(prefix=f"hadns-peer-{server}-")
        argv, self.config = command(server, self.workdir, zone_file, self.origin, port, build_dir)
        if core is not None:
            argv = ["taskset", "-c", str(core)] + argv
        self.time_file = None
        if time_v:
            self.time_file = os.path.join(self.workdir, "time-v.txt")
            argv = [TIME, "-v", "-o", self.time_file] + argv
        self.argv = argv
        self.log_path = os.path.join(self.workdir, "stderr.log")
        self._log = open(self.log_path, "wb")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        self.pid = self._server_pid()
        deadline = t0 + ready_timeout
        while True:
            if self.proc.poll() is not None:
                log = self.log()
                self._cleanup()
                raise RuntimeError(f"{server} exited with {self.proc.returncode} before "
                                   f"answering:\n{log}")
            if answers(port, self.origin):
                break
            if time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"{server} did not answer on port {port} within "
                                   f"{ready_timeout} s:\n{log}")
            time.sleep(0.005)
        if isinstance(zone_file, (list, tuple)):
            origins = [o for o, _ in zone_list(zone_file, origin)]
            waiting = set(origins[::max(1, len(origins) // 50)] + origins[-1:])
            while waiting:
                waiting = {o for o in waiting if not answers(port, o)}
                if waiting and time.monotonic() > deadline:
                    log = self.log()
                    self.stop()
                    raise RuntimeError(f"{server}: {len(waiting)} zones still unanswered:\n{log}")
                if waiting:
                    time.sleep(0.05)
        self.ready_seconds = time.monotonic() - t0
        for attempt in range(3):
            seen = kdig_soa(port, self.origin)
            if "status: NOERROR" in seen:
                break
        else:
            log = self.log()
            self.stop()
            raise RuntimeError(f"{server} answers, but not to kdig:\n{seen}\n{log}")

    def _server_pid(self):
        """The server's own PID: with /usr/bin/time in front, its child."""
        if not self.time_file:
            return self.proc.pid
        children = f"/proc/{self.proc.pid}/task/{self.proc.pid}/children"
        for _ in range(200):
            try:
                with open(children) as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except OSError:
                pass
            time.sleep(0.005)
        return self.proc.pid

    def peak_rss_kib(self):
        """Peak resident set size so far (VmHWM), KiB; None if unknown."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def cpu_seconds(self):
        """CPU time (user + sys) used so far by the server and its child
        processes (NSD serves from a child), seconds."""
        return tree_cpu_seconds(self.pid)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=10.0):
        """Stops the server by its PID: SIGTERM, then SIGKILL after `timeout`."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=timeout)
        self.time_v = self._read_time_v()
        self._cleanup()
        return self.proc.returncode

    def _read_time_v(self):
        if not self.time_file or not os.path.exists(self.time_file):
            return None
        with open(self.time_file) as f:
            return parse_time_v(f.read())

    def _cleanup(self):
        if not self._log.closed:
            self._log.close()
        if not self.keep_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def start(server, zone_file, origin, port, core=None, build_dir=None, **kw):
    """Starts `server` (hadnsd, knot or nsd) and returns the Peer once it answers."""
    return Peer(server, zone_file, origin, port, core=core, build_dir=build_dir, **kw)


def tree_cpu_seconds(pid):
    """user + sys seconds of a process and its living descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total / tick


def parse_time_v(text):
    """Elapsed seconds, peak RSS (KiB), user and system seconds from `time -v`."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Maximum resident set size (kbytes):"):
            out["max_rss_kib"] = int(line.rsplit(":", 1)[1])
        elif line.startswith("User time (seconds):"):
            out["user_s"] = float(line.rsplit(":", 1)[1])
        elif line.startswith("System time (seconds):"):
            out["sys_s"] = float(line.rsplit(":", 1)[1])
        elif line.startswith("Elapsed (wall clock) time"):
            v = line.split("):", 1)[1].strip()
            parts = [float(p) for p in v.split(":")]
            secs = 0.0
            for p in parts:
                secs = secs * 60 + p
            out["elapsed_s"] = secs
        elif line.startswith("Exit status:"):
            out["exit_status"] = int(line.rsplit(":", 1)[1])
    return out
