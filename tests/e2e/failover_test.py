"""tests/e2e/failover_test.py -- failover routing end to end: the real
hadnsd, real local backends that the test breaks and mends, answers read
with dnspython (design.md "Failover rules")."""
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Daemon, HttpBackend, wait_until  # noqa: E402

INTERVAL = 0.5      # seconds
THRESHOLD = 2
# Scheduling noise allowance on a loaded 2-core machine (and under
# sanitizers) on top of the contract's bound.
SLACK = 0.5 if not harness.SANITIZER else 1.5


def config(checks: str, failover: str, extra: str = "") -> str:
    return f"""
server:
  listen: [127.0.0.1:@PORT@]
  shards: 1
control:
  listen: 127.0.0.1:@CONTROL@
health_checks:
{checks}
zones:
  - origin: demo.test.
    file: demo.test.zone
    failover:
{failover}
{extra}"""


def http_check(name: str, port: int, extra: str = "") -> str:
    return f"""  {name}:
    type: http
    address: 127.0.0.1
    port: {port}
    path: /health
    interval: {int(INTERVAL * 1000)}ms
    timeout: 400ms
    failure_threshold: {THRESHOLD}
{extra}"""


def record(primary_check: str, secondary_check: str = None, extra: str = "") -> str:
    sec = f", health_check: {secondary_check}" if secondary_check else ""
    return f"""      - name: app
        type: A
        ttl: 30
        primary: {{ values: [192.0.2.1], health_check: {primary_check} }}
        secondary: {{ values: [192.0.2.2]{sec} }}
{extra}"""


class Failover(unittest.TestCase):
    def setUp(self):
        self.backends = []
        self.daemon = None

    def tearDown(self):
        if self.daemon:
            self.daemon.stop(check=False)
        for b in self.backends:
            try:
                b.stop()
            except Exception:
                pass

    def backend(self, **kw) -> HttpBackend:
        b = HttpBackend(**kw)
        self.backends.append(b)
        return b

    def start(self, text: str) -> Daemon:
        self.daemon = Daemon(text, files={"demo.test.zone": harness.ZONE})
        return self.daemon

    def wait_answer(self, expected: list, timeout: float):
        """Seconds until the answer is `expected`, or fail with the last answer."""
        t0 = time.monotonic()
        got = wait_until(lambda: self.daemon.answers("app.demo.test") == expected, timeout, 0.05)
        last = self.daemon.answers("app.demo.test")
        self.assertTrue(got, f"answer stayed {last}, expected {expected} within {timeout:.2f}s\n"
                        + self.daemon.log_text()[-3000:])
        return time.monotonic() - t0

    def test_failover_and_failback_within_bounds(self):
        primary = self.backend()
        d = self.start(config(http_check("eu-web", primary.port), record("eu-web")))
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        # The CNAME pointing at the failover set follows the same slot.
        r = harness.query(d.port, "alias.demo.test", "A")
        self.assertEqual(sorted(rd.to_text() for rrset in r.answer for rd in rrset
                                if rrset.rdtype == 1), ["192.0.2.1"])

        primary.status_code = 503
        took = self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
        print(f"failover after {took:.3f}s")
        r = harness.query(d.port, "alias.demo.test", "A")
        self.assertEqual(sorted(rd.to_text() for rrset in r.answer for rd in rrset
                                if rrset.rdtype == 1), ["192.0.2.2"])
        rec = d.record("app.demo.test.")
        self.assertEqual(rec["live"], "secondary")
        self.assertGreaterEqual(rec["transitions"], 1)
        self.assertEqual(d.status()["checks"]["eu-web"]["state"], "unhealthy")
        self.assertIn("503", d.status()["checks"]["eu-web"]["last"]["reason"])

        primary.status_code = 200
        took = self.wait_answer(["192.0.2.1"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
        print(f"failback after {took:.3f}s")
        self.assertIn("eu-web", d.log_text())

    def test_unreachable_primary_fails_over(self):
        primary = self.backend()
        d = self.start(config(http_check("eu-web", primary.port), record("eu-web")))
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        primary.stop()
        self.backends.remove(primary)
        self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
        reason = d.status()["checks"]["eu-web"]["last"]["reason"]
        self.assertRegex(reason, "refused|connect")

    def test_both_unhealthy_policies(self):
        for policy, expected in (("primary", ["192.0.2.1"]), ("secondary", ["192.0.2.2"]),
                                 ("servfail", ["SERVFAIL"])):
            with self.subTest(policy=policy):
                p, s = self.backend(), self.backend()
                p.status_code = s.status_code = 500
                checks = http_check("p", p.port) + http_check("s", s.port)
                d = self.start(config(checks, record("p", "s", f"        both_unhealthy: {policy}\n")))
                # A new check starts healthy; the first round at start-up already failed once.
                self.wait_answer(expected, INTERVAL * THRESHOLD + INTERVAL + SLACK)
                # Secondary recovers: it answers.
                s.status_code = 200
                self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
                d.stop()
                self.daemon = None

    def test_search_string(self):
        b = self.backend()
        b.body = b"status: all good"
        d = self.start(config(http_check("eu-web", b.port, "    search_string: all good\n"), record("eu-web")))
        time.sleep(INTERVAL * (THRESHOLD + 1))
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        b.body = b"status: degraded"
        self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
        self.assertIn("string", d.status()["checks"]["eu-web"]["last"]["reason"])

    def test_hung_backend_times_out_while_others_keep_schedule(self):
        hung, fine = self.backend(), self.backend()
        hung.hang = True
        checks = http_check("hung", hung.port) + http_check("fine", fine.port)
        d = self.start(config(checks, record("hung", "fine")))
        self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
        self.assertIn("timeout", d.status()["checks"]["hung"]["last"]["reason"].lower())
        # The healthy check keeps probing every interval while the hung one times out.
        hits = fine.hits
        time.sleep(INTERVAL * 4)
        self.assertGreaterEqual(fine.hits - hits, 3)
        self.assertEqual(d.status()["checks"]["fine"]["state"], "healthy")

    def test_https_self_signed(self):
        tmp = tempfile.mkdtemp(prefix="hadns-tls-")
        b = self.backend(tls_context=harness.self_signed_context(tmp))
        check = f"""  tls-web:
    type: https
    address: 127.0.0.1
    port: {b.port}
    path: /health
    host: backend.test
    interval: {int(INTERVAL * 1000)}ms
    timeout: 400ms
    failure_threshold: {THRESHOLD}
"""
        d = self.start(config(check, record("tls-web")))
        time.sleep(INTERVAL * (THRESHOLD + 1))
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        self.assertTrue(d.status()["checks"]["tls-web"]["last"]["ok"])
        self.assertGreater(b.hits, 0)
        b.status_code = 503
        self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)

    def test_tcp_check(self):
        b = self.backend()
        check = f"""  tcp-web:
    type: tcp
    address: 127.0.0.1
    port: {b.port}
    interval: {int(INTERVAL * 1000)}ms
    timeout: 400ms
    failure_threshold: {THRESHOLD}
"""
        d = self.start(config(check, record("tcp-web")))
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        b.stop()
        self.backends.remove(b)
        self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)

    def test_failback_delay_holds_the_secondary(self):
        b = self.backend()
        d = self.start(config(http_check("eu-web", b.port), record("eu-web", extra="        failback_delay: 3s\n")))
        b.status_code = 503
        self.wait_answer(["192.0.2.2"], INTERVAL * THRESHOLD + INTERVAL + SLACK)
        b.status_code = 200
        # Healthy again after THRESHOLD successes, then held for 3 s more.
        time.sleep(INTERVAL * THRESHOLD + 1.5)
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
        self.wait_answer(["192.0.2.1"], 3 + INTERVAL * 2 + SLACK)

    def test_override_wins_at_once_and_auto_restores(self):
        b = self.backend()
        d = self.start(config(http_check("eu-web", b.port), record("eu-web")))
        code, body = d.override("eu-web", "unhealthy")
        self.assertEqual(code, 200, body)
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
        st = d.status()["checks"]["eu-web"]
        self.assertEqual(st["override"]["state"], "unhealthy")
        code, body = d.override("eu-web", "auto")
        self.assertEqual(code, 200, body)
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        code, body = d.override("no-such-check", "healthy")
        self.assertEqual(code, 404, body)
        # A timed override expires by itself.
        code, body = d.override("eu-web", "unhealthy", "1s")
        self.assertEqual(code, 200, body)
        self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
        self.wait_answer(["192.0.2.1"], 1 + INTERVAL + SLACK)


if __name__ == "__main__":
    unittest.main(verbosity=2)
