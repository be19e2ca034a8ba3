#!/usr/bin/python3
"""tests/tools/loadgen_test.py -- hadns-loadgen against real responders on
loopback: a tiny responder started here, Knot DNS, NSD and hadnsd started
with bench/peers. Each run is bounded (2 s) and must report received > 0
and lost == 0.

  [HADNS_BUILD_DIR=BUILD] loadgen_test.py LOADGEN [unittest args]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "bench", "peers"))
import peers  # noqa: E402
from tiny_responder import TinyResponder  # noqa: E402

LOADGEN = None


def loadgen(*args):
    out = subprocess.run([LOADGEN, *args], capture_output=True, text=True, timeout=60)
    return out


class LoadgenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="hadns-loadgen-test-")
        cls.zone = os.path.join(cls.dir, "lg.test.zone")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "zonegen"), "--origin",
                        "lg.test.", "--names", "500", "-o", cls.zone], check=True)
        cls.queries = os.path.join(cls.dir, "queries.txt")
        with open(cls.queries, "w") as f:
            f.write("; comment lines and blank lines are skipped\n\n")
            for i in range(0, 500, 5):
                f.write(f"host{i}.lg.test A\n")
            f.write("nx-none.lg.test A\n")
            f.write("lg.test SOA\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def run_json(self, port, *extra):
        out = loadgen("-s", "127.0.0.1", "-p", str(port), "-d", self.queries, "-l", "2",
                      "-c", "4", "-w", "8", "-t", "3", "--json", *extra)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def check_clean_run(self, r):
        self.assertGreater(r["received"], 0)
        self.assertEqual(r["lost"], 0)
        self.assertEqual(r["sent"], r["received"])
        self.assertEqual(r["malformed"], 0)
        self.assertGreaterEqual(r["latency_us"]["p99"], r["latency_us"]["p50"])
        self.assertGreaterEqual(r["latency_us"]["p99_9"], r["latency_us"]["p99"])
        self.assertGreater(r["qps"], 0)

    def test_tiny_responder_every_query_answered(self):
        responder = TinyResponder()
        try:
            r = self.run_json(responder.port)
        finally:
            responder.close()
        self.check_clean_run(r)
        self.assertEqual(r["rcodes"], {"NOERROR": r["received"]})
        self.assertEqual(responder.answered, r["received"])
        self.assertEqual(len(responder.clients), 4)

    def test_rate_limit_is_kept(self):
        responder = TinyResponder()
        try:
            r = self.run_json(responder.port, "-Q", "1000")
        finally:
            responder.close()
        self.check_clean_run(r)
        self.assertTrue(1800 <= r["sent"] <= 2200, r["sent"])
        # Each of the 4 sockets has its own port and carries a fair share.
        self.assertEqual(len(responder.clients), 4, responder.clients)
        for count in responder.clients.values():
            self.assertGreater(count, r["sent"] / 8, responder.clients)

    def test_no_reply_counts_as_lost(self):
        # A bound socket that never answers: every query times out.
        import socket
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            out = loadgen("-p", str(s.getsockname()[1]), "-d", self.queries, "-l", "0.3",
                          "-c", "2", "-w", "4", "-t", "0.2", "--json")
        r = json.loads(out.stdout)
        self.assertEqual(r["received"], 0)
        self.assertGreater(r["sent"], 0)
        self.assertEqual(r["lost"], r["sent"])

    def test_refuses_non_loopback_target(self):
        out = loadgen("-s", "192.0.2.1", "-p", "53", "-d", self.queries, "-l", "1")
        self.assertEqual(out.returncode, 2)
        self.assertIn("not a loopback address", out.stderr)
        out = loadgen("-s", "2001:db8::1", "-p", "53", "-d", self.queries, "-l", "1")
        self.assertEqual(out.returncode, 2)

    def test_rejects_bad_query_file_line(self):
        bad = os.path.join(self.dir, "bad.txt")
        with open(bad, "w") as f:
            f.write("ok.lg.test A\nbad.lg.test NOSUCHTYPE\n")
        out = loadgen("-d", bad, "-l", "1")
        self.assertEqual(out.returncode, 2)
        self.assertIn("bad.txt:2", out.stderr)

    def test_knot(self):
        self.against_peer("knot")

    def test_nsd(self):
        self.against_peer("nsd")

    def test_hadnsd(self):
        self.against_peer("hadnsd")

    def against_peer(self, server):
        build = os.environ.get("HADNS_BUILD_DIR")
        binary = {"knot": peers.KNOTD, "nsd": peers.NSD,
                  "hadnsd": peers.hadnsd_binary(build) if build else ""}[server]
        if not os.path.exists(binary):
            self.skipTest(f"{server} is not installed or built")
        port = peers.free_port()
        with peers.start(server, self.zone, "lg.test.", port, build_dir=build) as p:
            r = self.run_json(port)
            self.assertIsNone(p.proc.poll())
        self.check_clean_run(r)
        self.assertEqual(r["rcodes"].get("NXDOMAIN", 0) + r["rcodes"].get("NOERROR", 0),
                         r["received"])
        self.assertGreater(r["rcodes"]["NXDOMAIN"], 0)


if __name__ == "__main__":
    LOADGEN = os.path.abspath(sys.argv.pop(1))
    unittest.main()
