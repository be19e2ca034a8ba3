"""tests/server/load_test.py -- dnsperf against the real hadnsd for a bounded
time at a rate well below saturation: no query may be lost, and with 2
shards both shards answer (their counters, from the shutdown log line)."""
import os
import re
import subprocess
import tempfile
import unittest

from server_harness import SANITIZER, Server

# 5,000 q/s for 10 s; sanitizer builds are several times slower.
RATE = 1000 if SANITIZER else 5000
SECONDS = 10

QUERIES = """www.demo.test. A
www.demo.test. AAAA
web.demo.test. A
mail.demo.test. A
demo.test. MX
demo.test. SOA
nope.demo.test. A
www.demo.test. TXT
host.sub.demo.test. A
ns1.demo.test. A
"""


class LoadTest(unittest.TestCase):
    def test_dnsperf_loses_nothing_and_both_shards_answer(self):
        with Server(shards=2) as srv:
            qfile = srv.write("queries.txt", QUERIES)
            out = subprocess.run(
                ["dnsperf", "-s", "127.0.0.1", "-p", str(srv.port), "-d", qfile, "-c", "16",
                 "-Q", str(RATE), "-l", str(SECONDS), "-t", "2"],
                capture_output=True, text=True, timeout=SECONDS + 30)
            self.assertEqual(out.returncode, 0, out.stderr)
            sent = int(re.search(r"Queries sent:\s+(\d+)", out.stdout).group(1))
            lost = int(re.search(r"Queries lost:\s+(\d+)", out.stdout).group(1))
            self.assertGreater(sent, RATE * SECONDS * 0.9, out.stdout)
            self.assertEqual(lost, 0, out.stdout)
            self.assertEqual(srv.stop(), 0)
            shards = srv.shard_counters()
            self.assertEqual(sorted(shards), [0, 1], srv.log_text())
            for i, c in shards.items():
                self.assertGreater(c["udp_responses"], 0, f"shard {i} answered nothing")
            self.assertEqual(sum(c["udp_responses"] for c in shards.values()), sent)
            self.assertEqual(sum(c["udp_dropped"] for c in shards.values()), 0)


if __name__ == "__main__":
    unittest.main()
