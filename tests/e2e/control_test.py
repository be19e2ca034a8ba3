"""tests/e2e/control_test.py -- the operator interface end to end: the
token, hadnsctl status / explain / override, /metrics as Prometheus text
whose counters match the queries sent, pending-restart reporting, GETs
answered while other clients idle, JSON errors for what cpp-httplib
refuses, and an invert check's last result as the thresholds count it."""
import json
import os
import re
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Daemon, HttpBackend, wait_until  # noqa: E402

CONFIG = """
server:
  listen: [127.0.0.1:@PORT@]
  shards: 2
control:
  listen: 127.0.0.1:@CONTROL@
  token_file: token
health_checks:
  eu-web: { type: http, address: 127.0.0.1, port: BACKEND, path: /health, interval: 500ms, timeout: 400ms, failure_threshold: 2 }
  eu-web-down: { type: http, address: 127.0.0.1, port: BACKEND, path: /health, interval: 500ms, timeout: 400ms, failure_threshold: 1, invert: true }
zones:
  - origin: demo.test.
    file: demo.test.zone
    failover:
      - name: app
        type: A
        primary: { values: [192.0.2.1], health_check: eu-web }
        secondary: { values: [192.0.2.2] }
  - origin: demo.test.
    file: private.zone
    allow_from: [10.0.0.0/8, 127.0.0.0/30]
"""

PRIVATE = harness.ZONE.replace("192.0.2.10", "10.1.1.10")


class Control(unittest.TestCase):
    def setUp(self):
        self.backend = HttpBackend()
        self.daemon = Daemon(CONFIG.replace("BACKEND", str(self.backend.port)),
                             files={"demo.test.zone": harness.ZONE, "private.zone": PRIVATE,
                                    "token": "s3cret\n"})

    def tearDown(self):
        self.daemon.stop()
        self.backend.stop()

    def ctl(self, *args):
        return subprocess.run([harness.HADNSCTL, "--control", f"127.0.0.1:{self.daemon.control_port}", *args],
                              capture_output=True, text=True, timeout=30)

    def test_token_required_for_changes_only(self):
        d = self.daemon
        code, _ = d.override("eu-web", "unhealthy")
        self.assertEqual(code, 401)
        code, _ = d.http("POST", "/reload")
        self.assertEqual(code, 401)
        code, _ = d.override("eu-web", "unhealthy", token="wrong")
        self.assertEqual(code, 401)
        self.assertEqual(d.answers("app.demo.test", source="127.0.0.5"), ["192.0.2.1"])
        code, body = d.override("eu-web", "unhealthy", token="s3cret")
        self.assertEqual(code, 200, body)
        code, _ = d.http("GET", "/status")
        self.assertEqual(code, 200)
        r = self.ctl("override", "eu-web", "auto")
        self.assertNotEqual(r.returncode, 0)
        r = self.ctl("--token-file", os.path.join(d.dir, "token"), "override", "eu-web", "auto")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_hadnsctl_status_shows_a_failover(self):
        d = self.daemon
        r = self.ctl("status")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"app\.demo\.test\.\s+A\s+.*primary")
        self.backend.status_code = 503
        self.assertTrue(wait_until(lambda: d.answers("app.demo.test", source="127.0.0.5") == ["192.0.2.2"], 5))
        r = self.ctl("status")
        self.assertRegex(r.stdout, r"app\.demo\.test\.\s+A\s+.*secondary")
        self.assertRegex(r.stdout, r"eu-web\s+unhealthy")
        j = self.ctl("status", "--json")
        self.assertIn('"live": "secondary"', j.stdout)
        code, text = d.http("GET", "/metrics")
        self.assertRegex(text, r'hadns_check_failures_total\{check="eu-web",reason="status 503"\} [2-9]')
        self.assertRegex(text, r'hadns_failover_live\{record="app\.demo\.test\. A",side="secondary"\} 1')
        self.assertRegex(text, r'hadns_failover_transitions_total\{record="app\.demo\.test\. A"\} 1')

    def test_explain_names_view_zone_side_and_checks(self):
        r = self.ctl("explain", "app.demo.test", "A", "--from", "192.0.2.99")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("public", r.stdout)
        self.assertIn("primary", r.stdout)
        self.assertIn("eu-web", r.stdout)
        r = self.ctl("explain", "www.demo.test", "--from", "10.2.3.4")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("10.0.0.0/8", r.stdout)
        # The private view answers clients from its networks only.
        self.assertEqual(self.daemon.answers("www.demo.test", source="127.0.0.1"), ["10.1.1.10"])
        self.assertEqual(self.daemon.answers("www.demo.test", source="127.0.0.5"), ["192.0.2.10"])

    def test_metrics_parse_and_count_queries(self):
        d = self.daemon
        n = 137
        for i in range(n):
            harness.query(d.port, "www.demo.test", "A", source="127.0.0.5")
        for i in range(11):
            harness.query(d.port, "nope.demo.test", "A", tcp=True, source="127.0.0.5")
        code, text = d.http("GET", "/metrics")
        self.assertEqual(code, 200)
        path = d.write("metrics.txt", text)
        with open(path) as f:
            promtool = subprocess.run(["promtool", "check", "metrics"], stdin=f, capture_output=True, text=True)
        self.assertEqual(promtool.returncode, 0, promtool.stdout + promtool.stderr)

        def total(metric, **labels):
            s = 0
            for line in text.splitlines():
                if not line.startswith(metric + "{"):
                    continue
                if all(f'{k}="{v}"' in line for k, v in labels.items()):
                    s += float(line.rsplit(" ", 1)[1])
            return s
        self.assertEqual(total("hadns_queries_total", proto="udp"), n)
        self.assertEqual(total("hadns_responses_total", proto="udp", rcode="NOERROR"), n)
        self.assertEqual(total("hadns_queries_total", proto="tcp"), 11)
        self.assertEqual(total("hadns_responses_total", proto="tcp", rcode="NXDOMAIN"), 11)
        self.assertRegex(text, r'hadns_check_healthy\{check="eu-web"\} 1')
        self.assertRegex(text, r'hadns_failover_transitions_total\{record="app\.demo\.test\. A"\} 0')
        self.assertRegex(text, r"hadns_config_generation \d+")

    def test_restart_only_changes_are_reported(self):
        d = self.daemon
        with open(d.config_path) as f:
            text = f.read().replace("shards: 2", "shards: 1")
        d.write("hadns.yaml", text)
        code, body = d.http("POST", "/reload", token="s3cret")
        self.assertEqual(code, 200, body)
        self.assertIn("server.shards", body["pending_restart"])
        self.assertIn("server.shards", d.status()["config"]["pending_restart"])
        self.assertIn("restart", d.log_text())

    def test_get_answers_while_other_clients_idle(self):
        """One keep-alive client idling after a request and one that sent half
        a request must not hold up another client's GET (with one worker they
        did, for the keep-alive and read timeouts: ~5 s each)."""
        d = self.daemon
        with socket.create_connection(("127.0.0.1", d.control_port), timeout=5) as idle, \
                socket.create_connection(("127.0.0.1", d.control_port), timeout=5) as half:
            idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertIn(b"200", idle.recv(4096))
            half.sendall(b"GET /status HTTP/1.1\r\nHost:")
            time.sleep(0.1)
            for path in ("/status", "/metrics", "/explain?name=app.demo.test"):
                t0 = time.monotonic()
                code, _ = d.http("GET", path)
                took = time.monotonic() - t0
                self.assertEqual(code, 200, path)
                self.assertLess(took, 1.0, f"GET {path} waited {took:.2f} s for idle clients")
                print(f"GET {path} beside two idle clients: {took * 1000:.1f} ms")

    def test_post_without_content_length_gets_json_error(self):
        """POST /reload with no body and no Content-Length: a JSON error at once
        (not cpp-httplib's empty 400 after its read timeout), no reload."""
        d = self.daemon
        gen = d.status()["config"]["generation"]
        with socket.create_connection(("127.0.0.1", d.control_port), timeout=5) as s:
            t0 = time.monotonic()
            s.sendall(b"POST /reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n\r\n")
            reply = b""
            while b"}\n" not in reply:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
            took = time.monotonic() - t0
        head, _, body = reply.decode().partition("\r\n\r\n")
        self.assertTrue(head.startswith("HTTP/1.1 411"), reply)
        self.assertIn("application/json", head)
        self.assertIn("Content-Length", json.loads(body)["error"])
        self.assertLess(took, 1.0)
        self.assertEqual(d.status()["config"]["generation"], gen)
        # Other errors of the HTTP layer are JSON too.
        code, body = d.http("GET", "/nope")
        self.assertEqual(code, 404)
        self.assertEqual(body, {"error": "no such resource"})

    def test_invert_check_shows_the_counted_result(self):
        """An invert check on a healthy backend: the probe succeeds (raw_ok),
        the thresholds count a failure (ok false), the check is unhealthy."""
        d = self.daemon
        self.assertTrue(wait_until(lambda: d.status()["checks"]["eu-web-down"]["state"] == "unhealthy", 5))
        last = d.status()["checks"]["eu-web-down"]["last"]
        self.assertIs(last["ok"], False, last)
        self.assertIs(last["raw_ok"], True, last)
        plain = d.status()["checks"]["eu-web"]["last"]
        self.assertIs(plain["ok"], True, plain)
        self.assertIs(plain["raw_ok"], True, plain)
        r = self.ctl("status")
        self.assertRegex(r.stdout, r"eu-web-down\s+unhealthy\s+-\s+fail: .*\(inverted\)")
        self.assertRegex(r.stdout, r"eu-web\s+healthy\s+-\s+ok\s")
        code, text = d.http("GET", "/metrics")
        self.assertRegex(text, r'hadns_check_last_ok\{check="eu-web-down"\} 0')
        self.assertRegex(text, r'hadns_check_last_ok\{check="eu-web"\} 1')


class TakenPorts(unittest.TestCase):
    """A port held by another hadnsd (SO_REUSEPORT on both sides) is a
    start-up error, for DNS and for the control listener alike."""

    def test_second_daemon_on_the_same_ports_exits(self):
        cfg = "server:\n  listen: [127.0.0.1:@PORT@]\n  shards: 1\ncontrol:\n  listen: 127.0.0.1:@CONTROL@\n" \
              "zones:\n  - origin: demo.test.\n    file: demo.test.zone\n"
        with Daemon(cfg, files={"demo.test.zone": harness.ZONE}) as first:
            for dns_port, control_port, what in ((first.port, None, "UDP"),
                                                 (None, first.control_port, "control")):
                second = Daemon(cfg, files={"demo.test.zone": harness.ZONE}, port=dns_port,
                                control_port=control_port, start=False)
                r = subprocess.run([harness.HADNSD, "--config", second.config_path],
                                   capture_output=True, text=True, timeout=30)
                self.assertNotEqual(r.returncode, 0, r.stderr)
                self.assertIn(what, r.stderr)
                self.assertRegex(r.stderr, "in use")
            self.assertEqual(first.answers("www.demo.test"), ["192.0.2.10"])


class CheckConfig(unittest.TestCase):
    """hadnsctl check-config validates locally: no daemon, same errors."""

    def test_good_and_broken_configs(self):
        d = Daemon("server:\n  listen: [127.0.0.1:@PORT@]\nzones:\n  - origin: demo.test.\n    file: demo.test.zone\n",
                   files={"demo.test.zone": harness.ZONE}, start=False)
        r = subprocess.run([harness.HADNSCTL, "check-config", d.config_path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ok (1 zone(s)", r.stdout)
        d.write("demo.test.zone", harness.ZONE + "broken IN A not-an-address\n")
        r = subprocess.run([harness.HADNSCTL, "check-config", d.config_path], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"demo\.test\.zone:8")


if __name__ == "__main__":
    unittest.main(verbosity=2)
