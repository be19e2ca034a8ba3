"""tests/e2e/flips_under_load_test.py -- dnsperf runs against hadnsd for a
bounded time while an override is toggled in a loop, flipping a failover
record many times per second. No query may be lost, and every sampled
answer must be one of the two valid variants. Labelled `tsan`: the TSan
build of hadnsd runs it too (at a lower rate)."""
import os
import re
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Daemon  # noqa: E402

RATE = 1000 if "thread" in harness.SANITIZER else 5000
SECONDS = 10

CONFIG = """
server:
  listen: [127.0.0.1:@PORT@]
  shards: 2
control:
  listen: 127.0.0.1:@CONTROL@
health_checks:
  eu-web: { type: tcp, address: 127.0.0.1, port: 9, interval: 300s, timeout: 1s, disabled: true }
zones:
  - origin: demo.test.
    file: demo.test.zone
    failover:
      - name: app
        type: A
        primary: { values: [192.0.2.1], health_check: eu-web }
        secondary: { values: [192.0.2.2, 192.0.2.3] }
"""


def dnsperf_lost(output: str) -> tuple:
    sent = int(re.search(r"Queries sent:\s+(\d+)", output).group(1))
    lost = int(re.search(r"Queries lost:\s+(\d+)", output).group(1))
    return sent, lost


class FlipsUnderLoad(unittest.TestCase):
    def test_no_loss_and_only_valid_variants(self):
        with Daemon(CONFIG, files={"demo.test.zone": harness.ZONE}) as d:
            qfile = d.write("queries.txt", "app.demo.test A\nalias.demo.test A\nwww.demo.test A\n")
            stop = threading.Event()
            flips = [0]
            bad = []
            samples = [0]
            valid = (["192.0.2.1"], ["192.0.2.2", "192.0.2.3"])

            def flipper():
                state = "unhealthy"
                while not stop.is_set():
                    code, body = d.override("eu-web", state)
                    if code != 200:
                        bad.append(f"override {state}: {code} {body}")
                        return
                    flips[0] += 1
                    state = "auto" if state == "unhealthy" else "unhealthy"
                    time.sleep(0.02)

            def sampler():
                while not stop.is_set():
                    got = d.answers("app.demo.test")
                    samples[0] += 1
                    if got not in valid:
                        bad.append(f"invalid answer {got}")
                    time.sleep(0.005)

            threads = [threading.Thread(target=flipper), threading.Thread(target=sampler)]
            for t in threads:
                t.start()
            try:
                perf = subprocess.run(["dnsperf", "-s", "127.0.0.1", "-p", str(d.port), "-d", qfile,
                                       "-c", "16", "-Q", str(RATE), "-l", str(SECONDS), "-t", "2"],
                                      capture_output=True, text=True, timeout=SECONDS + 30)
            finally:
                stop.set()
                for t in threads:
                    t.join()
            self.assertEqual(perf.returncode, 0, perf.stderr)
            sent, lost = dnsperf_lost(perf.stdout)
            print(f"dnsperf: sent {sent}, lost {lost}; {flips[0]} override changes; {samples[0]} samples")
            self.assertEqual(bad, [])
            self.assertGreater(sent, RATE * SECONDS * 0.9)
            self.assertEqual(lost, 0, perf.stdout)
            self.assertGreater(flips[0], 2 * SECONDS * 5)  # many flips per second
            self.assertGreater(d.record("app.demo.test.")["transitions"], 2 * SECONDS * 5)


if __name__ == "__main__":
    unittest.main(verbosity=2)
