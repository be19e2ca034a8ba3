"""tests/engine/xdp/afxdp_test.py -- the real hadnsd serving UDP through
AF_XDP on a veth pair between two network namespaces this test creates.

Namespace A (the client) and namespace B (hadnsd) are joined by a veth
pair; both get addresses in 10.211.0.0/24 and fd00:211::/64, which exist
only inside those namespaces. hadnsd listens on B's veth addresses and on
B's loopback; `server.xdp` puts an AF_XDP socket on B's veth. The same
queries are asked over the veth from A (answered through AF_XDP) and over
B's loopback (answered by the io_uring socket path): the replies must be
byte for byte the same, IPv4 and IPv6, and the shutdown counters must show
that the veth's UDP queries went through AF_XDP. Ping (ARP, ND, ICMP), TCP
DNS over the veth and UDP to another port must still reach the kernel.
Start-up errors name their reason (unknown interface, no native XDP, not
permitted).

Needs root (network namespaces, CAP_BPF, CAP_NET_ADMIN): skipped with the
reason otherwise. Everything it creates is removed on exit; hadnsd is
stopped by PID. Run with /usr/bin/python3 (Debian's dnspython).
"""
import atexit
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HADNSD = os.environ.get("HADNSD", "")
PORT = 5300
V4_CLIENT, V4_SERVER = "10.211.0.1", "10.211.0.2"
V6_CLIENT, V6_SERVER = "fd00:211::1", "fd00:211::2"

BIG_TXT = "\n".join(f'big      IN TXT  "{i:02d}{"x" * 200}"' for i in range(20))
ZONE = f"""$ORIGIN demo.test.
$TTL 300
@        IN SOA  ns1.demo.test. hostmaster.demo.test. 2024010101 3600 600 604800 60
         IN NS   ns1.demo.test.
         IN MX   10 mail.demo.test.
ns1      IN A    10.211.0.2
www      IN A    192.0.2.10
www      IN AAAA 2001:db8::10
web      IN CNAME www.demo.test.
mail     IN A    192.0.2.25
sub      IN NS   ns.sub.demo.test.
ns.sub   IN A    192.0.2.53
{BIG_TXT}
"""

CONFIG = f"""server:
  listen: [{V4_SERVER}:@PORT@, "[{V6_SERVER}]:@PORT@", 127.0.0.1:@PORT@, "[::1]:@PORT@"]
  shards: 1
  xdp:
    interface: @IFACE@
    mode: @MODE@
control:
  listen: 127.0.0.1:@CONTROL@
zones:
  - origin: demo.test.
    file: demo.test.zone
"""

# (name, type, EDNS payload or None): positive, NODATA, NXDOMAIN, CNAME,
# referral, additional data, truncation without and with EDNS, EDNS flags.
QUERIES = [
    ("www.demo.test.", "A", None),
    ("WwW.DeMo.TeSt.", "AAAA", 1232),
    ("www.demo.test.", "MX", None),
    ("nope.demo.test.", "A", None),
    ("nope.demo.test.", "TXT", 4096),
    ("web.demo.test.", "A", 1232),
    ("host.sub.demo.test.", "A", None),
    ("demo.test.", "MX", 512),
    ("big.demo.test.", "TXT", None),
    ("big.demo.test.", "TXT", 1232),
    ("big.demo.test.", "TXT", 4096),
    ("other.example.", "A", None),
]


def client_main(spec):
    """Runs inside a namespace: asks every query of `spec`, prints JSON."""
    import dns.message
    import dns.query
    out = []
    failures = 0
    for q in spec["queries"]:
        if q["kind"] == "metrics":
            import urllib.request
            with urllib.request.urlopen(q["url"], timeout=5) as r:
                out.append(r.read().decode())
            continue
        if q["kind"] == "refused":
            # UDP to a port nothing listens on: the kernel's ICMP port
            # unreachable makes a connected socket's recv fail.
            fam = socket.AF_INET6 if ":" in q["server"] else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.settimeout(2)
            s.connect((q["server"], q["port"]))
            s.send(b"\x00" * 12)
            try:
                s.recv(512)
                out.append("answered")
            except ConnectionRefusedError:
                out.append("refused")
            except socket.timeout:
                out.append("timeout")
            s.close()
            continue
        if failures >= 2:  # the path is broken: fail fast rather than time out every query
            out.append("error: not asked after two failures")
            continue
        m = dns.message.make_query(q["name"], q["type"], use_edns=0 if q["edns"] else None,
                                   payload=q["edns"] or 1232)
        m.id = q["id"]
        wire = m.to_wire()
        for attempt in range(2):  # a lost datagram is retried once, a wrong one is not
            try:
                if q["kind"] == "tcp":
                    r = dns.query.tcp(m, q["server"], port=q["port"], timeout=3)
                    out.append(r.to_wire().hex())
                else:
                    fam = socket.AF_INET6 if ":" in q["server"] else socket.AF_INET
                    with socket.socket(fam, socket.SOCK_DGRAM) as s:
                        s.settimeout(1.5)
                        s.sendto(wire, (q["server"], q["port"]))
                        data, _ = s.recvfrom(65535)
                    out.append(data.hex())
                failures = 0
                break
            except (socket.timeout, OSError) as e:
                if attempt == 1:
                    out.append("error: " + str(e))
                    failures += 1
    print(json.dumps(out))


def in_ns(ns):
    """The prefix that runs a command in network namespace `ns`. nsenter
    enters the namespace only; `ip netns exec` would also remount /sys, which
    fails where / is not a mount point (a chroot)."""
    return ["nsenter", f"--net=/run/netns/{ns}"]


def run(*args, check=True, timeout=20):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


class Rig:
    """Two namespaces joined by a veth pair, removed by cleanup()."""

    def __init__(self):
        tag = f"{os.getpid() % 100000:05d}{secrets.token_hex(2)}"
        self.ns_a, self.ns_b = f"hadns-xa-{tag}", f"hadns-xb-{tag}"
        self.if_a, self.if_b = f"hxa{tag}", f"hxb{tag}"  # at most 15 bytes
        self.made = []
        atexit.register(self.cleanup)  # also when the run is stopped by SIGTERM (see main)
        try:
            for ns in (self.ns_a, self.ns_b):
                run("ip", "netns", "add", ns)
                self.made.append(ns)
            run("ip", "link", "add", self.if_a, "netns", self.ns_a, "type", "veth",
                "peer", "name", self.if_b, "netns", self.ns_b)
            for ns, ifname, v4, v6 in ((self.ns_a, self.if_a, V4_CLIENT, V6_CLIENT),
                                       (self.ns_b, self.if_b, V4_SERVER, V6_SERVER)):
                run(*in_ns(ns), "ip", "link", "set", "lo", "up")
                run(*in_ns(ns), "ip", "addr", "add", f"{v4}/24", "dev", ifname)
                run(*in_ns(ns), "ip", "addr", "add", f"{v6}/64", "dev", ifname, "nodad")
                run(*in_ns(ns), "ip", "link", "set", ifname, "up")
        except Exception:
            self.cleanup()
            raise

    def cleanup(self):
        for ns in reversed(self.made):  # deleting a namespace deletes its veth end
            run("ip", "netns", "del", ns, check=False)
        self.made = []


class Server:
    """hadnsd inside namespace `ns`, stopped by PID."""

    def __init__(self, ns, iface, mode="auto", runas=None, port=PORT):
        self.dir = tempfile.mkdtemp(prefix="hadns-xdp-")
        os.chmod(self.dir, 0o755)
        self.config = os.path.join(self.dir, "hadns.yaml")
        for name, text in (("hadns.yaml", CONFIG.replace("@IFACE@", iface).replace("@MODE@", mode).replace("@PORT@", str(port))
                                          .replace("@CONTROL@", str(port + 1000))),
                           ("demo.test.zone", ZONE)):
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)
            os.chmod(os.path.join(self.dir, name), 0o644)
        self.log_path = os.path.join(self.dir, "hadnsd.log")
        self.log = open(self.log_path, "wb")
        argv = in_ns(ns)
        if runas:
            argv += ["setpriv", f"--reuid={runas}", f"--regid={runas}", "--clear-groups", "--inh-caps=-all"]
        argv += [HADNSD, "--config", self.config]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        self.status = None
        atexit.register(self.cleanup)

    def log_text(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_serving(self, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if " serving" in self.log_text():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait_exit(self, timeout=30):
        self.status = self.proc.wait(timeout=timeout)
        self.log.close()
        return self.status

    def stop(self):
        if self.log.closed and self.proc.poll() is not None:
            return self.proc.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.status = self.proc.returncode
        self.log.close()
        return self.status

    def counters(self):
        for line in self.log_text().splitlines():
            if "shard counters:" in line:
                return {k: int(v) for k, v in (kv.split("=") for kv in line.split("[", 1)[1].rstrip("]").split()
                                               if "=" in kv and kv.split("=")[1].isdigit())}
        return {}

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def skip_reason():
    if not HADNSD:
        return "HADNSD (the hadnsd binary) is not set"
    if os.geteuid() != 0:
        return "needs root: network namespaces, CAP_BPF and CAP_NET_ADMIN"
    if not shutil.which("ip"):
        return "needs iproute2 (ip)"
    if not shutil.which("nsenter"):
        return "needs util-linux (nsenter)"
    return None


def records(hex_wire):
    import dns.message
    m = dns.message.from_wire(bytes.fromhex(hex_wire))
    return sorted(rd.to_text() for rs in m.answer for rd in rs)


def ask(ns, queries):
    """Asks `queries` from inside namespace `ns`; returns one result each."""
    r = run(*in_ns(ns), "/usr/bin/python3", os.path.abspath(__file__), "--client",
            json.dumps({"queries": queries}), timeout=90)
    return json.loads(r.stdout)


class StartupErrorTest(unittest.TestCase):
    def test_unknown_interface_is_named(self):
        if not HADNSD:
            self.skipTest("HADNSD is not set")
        d = tempfile.mkdtemp(prefix="hadns-xdp-")
        try:
            with open(os.path.join(d, "demo.test.zone"), "w") as f:
                f.write(ZONE)
            # Other tests run beside this one on 127.0.0.1: a port taken
            # between choosing and binding it is tried again.
            for _ in range(5):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                    probe.bind(("127.0.0.1", 0))
                    port = probe.getsockname()[1]
                with open(os.path.join(d, "hadns.yaml"), "w") as f:
                    f.write(f"""server:
  listen: [127.0.0.1:{port}]
  shards: 1
  xdp: {{ interface: hadns-none0 }}
control:
  listen: off
zones:
  - origin: demo.test.
    file: demo.test.zone
""")
                r = run(HADNSD, "--config", os.path.join(d, "hadns.yaml"), check=False, timeout=60)
                if "Address already in use" not in r.stdout + r.stderr:
                    break
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("server.xdp.interface: no interface named 'hadns-none0'", r.stdout + r.stderr)
        finally:
            shutil.rmtree(d, ignore_errors=True)


@unittest.skipIf(skip_reason(), skip_reason())
class AfXdpTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rig = Rig()

    @classmethod
    def tearDownClass(cls):
        cls.rig.cleanup()

    def start(self, mode):
        s = Server(self.rig.ns_b, self.rig.if_b, mode)
        self.addCleanup(s.cleanup)
        if not s.wait_serving():
            s.stop()
            text = s.log_text()
            if "Operation not permitted" in text:
                self.skipTest("XDP cannot be attached here: " + text.strip().splitlines()[-1])
            self.fail("hadnsd did not start:\n" + text)
        self.assertIn(f"AF_XDP on {self.rig.if_b}: 1 queue(s)", s.log_text())
        return s

    def check_same_answers(self, mode):
        s = self.start(mode)
        veth, loop = [], []
        for i, (name, qtype, edns) in enumerate(QUERIES):
            for over_veth, over_loop in ((V4_SERVER, "127.0.0.1"), (V6_SERVER, "::1")):
                base = {"name": name, "type": qtype, "edns": edns, "id": 1000 + i, "port": PORT, "kind": "udp"}
                veth.append(dict(base, server=over_veth))
                loop.append(dict(base, server=over_loop))
        tcp = [{"name": "big.demo.test.", "type": "TXT", "edns": None, "id": 7, "port": PORT, "kind": "tcp",
                "server": server} for server in (V4_SERVER, V6_SERVER, "127.0.0.1")]
        refused = [{"kind": "refused", "server": server, "port": PORT + 1} for server in (V4_SERVER, V6_SERVER)]
        got_veth = ask(self.rig.ns_a, veth + tcp[:2] + refused)
        got_loop = ask(self.rig.ns_b, loop + tcp[2:])
        for q, a, b in zip(veth, got_veth, got_loop):
            with self.subTest(mode=mode, query=(q["name"], q["type"], q["edns"], q["server"])):
                self.assertFalse(a.startswith("error"), a)
                self.assertEqual(a, b, "AF_XDP and socket replies differ")
        n = len(veth)
        with self.subTest(mode=mode, check="TCP over the veth"):
            # RRsets may come in another order from one reply to the next:
            # compare the records.
            expected = records(got_loop[len(loop)])
            self.assertEqual(len(expected), 20, "the whole big TXT answer over TCP")
            self.assertEqual(records(got_veth[n]), expected)
            self.assertEqual(records(got_veth[n + 1]), expected)
        with self.subTest(mode=mode, check="UDP to another port reaches the kernel"):
            self.assertEqual(got_veth[n + 2:], ["refused", "refused"])
        for target in (V4_SERVER, V6_SERVER):
            with self.subTest(mode=mode, check=f"ping {target}"):
                r = run(*in_ns(self.rig.ns_a), "ping", "-c", "2", "-i", "0.2", "-W", "2", target,
                        check=False)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        metrics = ask(self.rig.ns_b, [{"kind": "metrics", "url": f"http://127.0.0.1:{PORT + 1000}/metrics"}])[0]
        with self.subTest(mode=mode, check="metrics"):
            self.assertIn(f'hadns_queries_total{{shard="0",proto="udp-xdp"}} {len(veth)}\n', metrics)
            self.assertIn(f'hadns_queries_total{{shard="0",proto="udp"}} {len(loop)}\n', metrics)
        self.assertEqual(s.stop(), 0, s.log_text())
        c = s.counters()
        self.assertEqual(c.get("xdp_queries"), len(veth), s.log_text())
        self.assertEqual(c.get("xdp_responses"), len(veth))
        self.assertEqual(c.get("xdp_dropped"), 0)
        self.assertEqual(c.get("udp_queries"), len(loop), "only loopback UDP went through the socket path")
        self.assertEqual(c.get("tcp_queries"), 3)
        r = run(*in_ns(self.rig.ns_b), "ip", "link", "show", self.rig.if_b)
        self.assertNotIn("xdp", r.stdout, "the program is detached at exit")

    def test_native_mode_answers_like_the_socket_path(self):
        self.check_same_answers("native")

    def test_generic_mode_answers_like_the_socket_path(self):
        self.check_same_answers("generic")

    def test_no_native_xdp_is_named(self):
        s = Server(self.rig.ns_b, "lo", "native")
        self.addCleanup(s.cleanup)
        self.assertNotEqual(s.wait_exit(), 0)
        self.assertIn("cannot attach XDP to lo (native mode: Operation not supported (the driver has no native XDP))",
                      s.log_text())

    def test_a_program_already_attached_is_named(self):
        first = self.start("auto")
        second = Server(self.rig.ns_b, self.rig.if_b, "auto", port=PORT + 2)
        self.addCleanup(second.cleanup)
        self.assertNotEqual(second.wait_exit(), 0)
        self.assertIn("another XDP program is attached", second.log_text())
        self.assertEqual(first.stop(), 0, first.log_text())

    def test_not_permitted_is_named(self):
        s = Server(self.rig.ns_b, self.rig.if_b, "auto", runas="65534")
        self.addCleanup(s.cleanup)
        self.assertNotEqual(s.wait_exit(), 0)
        self.assertIn("needs root, or CAP_NET_ADMIN and CAP_BPF", s.log_text())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client_main(json.loads(sys.argv[2]))
        sys.exit(0)
    # A stopped run (timeout) still stops hadnsd and removes the namespaces.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    unittest.main()
