"""tests/e2e/reload_test.py -- live reload (SIGHUP and POST /reload): a
changed zone under dnsperf load with no lost query; a broken config keeps
the old answers and reports file, line and key; failover state and
overrides carry over reloads and restarts; a new state_file takes effect on
reload; state-file problems at start-up are warnings. Labelled `tsan`."""
import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Daemon, HttpBackend, wait_until  # noqa: E402

RATE = 1000 if "thread" in harness.SANITIZER else 5000

CONFIG = """
server:
  listen: [127.0.0.1:@PORT@]
  shards: 2
control:
  listen: 127.0.0.1:@CONTROL@
health_checks:
  eu-web: { type: http, address: 127.0.0.1, port: BACKEND, path: /health, interval: 500ms, timeout: 400ms, failure_threshold: 2 }
zones:
  - origin: demo.test.
    file: demo.test.zone
    failover:
      - name: app
        type: A
        primary: { values: [192.0.2.1], health_check: eu-web }
        secondary: { values: [192.0.2.2] }
"""

ZONE_V2 = harness.ZONE.replace("www     IN A   192.0.2.10\n", "") + "new     IN A   192.0.2.20\n"


class Reload(unittest.TestCase):
    def setUp(self):
        self.backend = HttpBackend()
        self.config = CONFIG.replace("BACKEND", str(self.backend.port))

    def tearDown(self):
        self.backend.stop()

    def test_changed_zone_under_load_loses_nothing(self):
        with Daemon(self.config, files={"demo.test.zone": harness.ZONE}) as d:
            qfile = d.write("queries.txt", "www.demo.test A\nnew.demo.test A\napp.demo.test A\n")
            self.assertEqual(d.answers("www.demo.test"), ["192.0.2.10"])
            self.assertEqual(d.answers("new.demo.test"), ["NXDOMAIN"])
            perf = subprocess.Popen(["dnsperf", "-s", "127.0.0.1", "-p", str(d.port), "-d", qfile,
                                     "-c", "16", "-Q", str(RATE), "-l", "10", "-t", "2"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(2)
            d.write("demo.test.zone", ZONE_V2)
            code, body = d.http("POST", "/reload")
            self.assertEqual(code, 200, body)
            self.assertEqual(d.answers("new.demo.test"), ["192.0.2.20"])
            self.assertEqual(d.answers("www.demo.test"), ["NXDOMAIN"])
            # Several more reloads while the load runs (SIGHUP and HTTP).
            for i in range(5):
                d.write("demo.test.zone", ZONE_V2 if i % 2 else harness.ZONE)
                d.sighup()
                time.sleep(0.3)
                d.http("POST", "/reload")
            out, err = perf.communicate(timeout=60)
            self.assertEqual(perf.returncode, 0, err)
            lost = int(re.search(r"Queries lost:\s+(\d+)", out).group(1))
            sent = int(re.search(r"Queries sent:\s+(\d+)", out).group(1))
            print(f"dnsperf during reloads: sent {sent}, lost {lost}")
            self.assertGreater(sent, RATE * 10 * 0.9)
            self.assertEqual(lost, 0, out)
            gen = d.status()["config"]["generation"]
            self.assertGreaterEqual(gen, 7)

    def test_broken_config_keeps_old_answers(self):
        with Daemon(self.config, files={"demo.test.zone": harness.ZONE}) as d:
            good = open(d.config_path).read()
            broken = good.replace("failure_threshold: 2", "failure_threshold: 2, bogus_key: 1")
            d.write("hadns.yaml", broken)
            code, body = d.http("POST", "/reload")
            self.assertEqual(code, 422, body)
            self.assertTrue(body["file"].endswith("hadns.yaml"), body)
            self.assertEqual(body["line"], 8, body)
            self.assertIn("bogus_key", body["key"])
            self.assertEqual(d.answers("www.demo.test"), ["192.0.2.10"])
            self.assertIn("bogus_key", d.log_text())
            st = d.status()
            self.assertIn("bogus_key", str(st["config"].get("last_error", "")))
            # A broken zone file too, through SIGHUP.
            d.write("hadns.yaml", good)
            d.write("demo.test.zone", harness.ZONE + "bad line here\n")
            d.sighup()
            self.assertTrue(wait_until(lambda: "demo.test.zone" in d.log_text(), 5), d.log_text())
            self.assertEqual(d.answers("www.demo.test"), ["192.0.2.10"])
            # hadnsctl reload says so and exits non-zero.
            r = subprocess.run([harness.HADNSCTL, "--control", f"127.0.0.1:{d.control_port}", "reload"],
                               capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("demo.test.zone", r.stderr)

    def test_failed_over_record_and_override_survive_reload_and_restart(self):
        with Daemon(self.config, files={"demo.test.zone": harness.ZONE}) as d:
            self.backend.status_code = 503
            self.assertTrue(wait_until(lambda: d.answers("app.demo.test") == ["192.0.2.2"], 5))
            since = d.record("app.demo.test.")["since"]
            code, body = d.http("POST", "/reload")
            self.assertEqual(code, 200, body)
            self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
            rec = d.record("app.demo.test.")
            self.assertEqual(rec["live"], "secondary")
            self.assertEqual(rec["since"], since)

            self.backend.status_code = 200
            self.assertTrue(wait_until(lambda: d.answers("app.demo.test") == ["192.0.2.1"], 5))
            code, body = d.override("eu-web", "unhealthy")
            self.assertEqual(code, 200, body)
            self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
            d.sighup()
            time.sleep(1)
            self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
            d.stop()
            d.start()
            self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
            self.assertEqual(d.status()["checks"]["eu-web"]["override"]["state"], "unhealthy")


class StateFile(unittest.TestCase):
    def setUp(self):
        self.backend = HttpBackend()
        self.config = CONFIG.replace("BACKEND", str(self.backend.port))

    def tearDown(self):
        self.backend.stop()

    def overrides_in(self, d, name):
        with open(os.path.join(d.dir, name)) as f:
            return json.load(f)["overrides"]

    def test_reload_applies_a_new_state_file(self):
        """state_file is reloadable: the overrides in force are written to the
        new file at once, later changes go there, and a restart reads it."""
        config = self.config.replace("  listen: 127.0.0.1:@CONTROL@\n",
                                     "  listen: 127.0.0.1:@CONTROL@\n  state_file: first.json\n")
        with Daemon(config, files={"demo.test.zone": harness.ZONE}) as d:
            code, body = d.override("eu-web", "unhealthy")
            self.assertEqual(code, 200, body)
            self.assertTrue(body["persisted"], body)
            self.assertEqual(self.overrides_in(d, "first.json")["eu-web"]["state"], "unhealthy")
            d.write_config(config.replace("state_file: first.json", "state_file: second.json"))
            code, body = d.http("POST", "/reload")
            self.assertEqual(code, 200, body)
            self.assertEqual(body["pending_restart"], [])
            self.assertEqual(self.overrides_in(d, "second.json")["eu-web"]["state"], "unhealthy")
            self.assertEqual(d.status()["checks"]["eu-web"]["override"]["state"], "unhealthy")
            self.assertEqual(d.answers("app.demo.test"), ["192.0.2.2"])
            # A later change goes to the new file only.
            code, body = d.override("eu-web", "auto")
            self.assertEqual(code, 200, body)
            self.assertEqual(self.overrides_in(d, "second.json"), {})
            self.assertIn("eu-web", self.overrides_in(d, "first.json"))
            code, body = d.override("eu-web", "unhealthy", for_="1h")
            self.assertEqual(code, 200, body)
            # A restart on the new config reads the new file.
            d.stop()
            d.start()
            self.assertEqual(d.status()["checks"]["eu-web"]["override"]["state"], "unhealthy")
            self.assertIsNotNone(d.status()["checks"]["eu-web"]["override"]["until"])

    def test_state_file_problems_at_start_up_are_warnings(self):
        config = self.config.replace("  listen: 127.0.0.1:@CONTROL@\n",
                                     "  listen: 127.0.0.1:@CONTROL@\n  state_file: state.json\n")
        broken = {"demo.test.zone": harness.ZONE, "state.json": "{ not json"}
        with Daemon(config, files=broken) as d:
            self.assertRegex(d.log_text(), r"hadnsd warning: state file .*state\.json: not a JSON object")
            self.assertEqual(d.answers("app.demo.test"), ["192.0.2.1"])
        gone = {"demo.test.zone": harness.ZONE,
                "state.json": json.dumps({"overrides": {"gone": {"state": "unhealthy", "until": None}}})}
        with Daemon(config, files=gone) as d:
            self.assertRegex(d.log_text(), r"hadnsd warning: override on gone dropped: no such check")


if __name__ == "__main__":
    unittest.main(verbosity=2)
