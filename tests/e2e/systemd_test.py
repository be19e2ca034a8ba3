"""tests/e2e/systemd_test.py -- hadnsd under systemd: conf/hadnsd.service
passes `systemd-analyze verify`, its example config (conf/hadnsd.yaml) keeps
the state file in the unit's StateDirectory, and the Type=notify messages
come when they should: READY=1 once the DNS and control ports answer,
RELOADING=1 then READY=1 around a reload (SIGHUP or POST /reload, refused
or not), STOPPING=1 on SIGTERM. The messages are read from a unix datagram
socket the test hands to hadnsd as NOTIFY_SOCKET, as systemd does."""
import configparser
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Daemon  # noqa: E402

CONF = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "conf")
UNIT = os.path.join(CONF, "hadnsd.service")

CONFIG = """
server:
  listen: [127.0.0.1:@PORT@]
  shards: 1
control:
  listen: 127.0.0.1:@CONTROL@
zones:
  - origin: demo.test.
    file: demo.test.zone
"""


def unit_service_section() -> configparser.SectionProxy:
    p = configparser.ConfigParser(strict=False, interpolation=None)
    p.optionxform = str
    with open(UNIT) as f:
        p.read_file(f)
    return p["Service"]


@unittest.skipIf(shutil.which("systemd-analyze") is None,
                 "systemd-analyze is missing (Debian package systemd)")
class UnitFile(unittest.TestCase):
    def verify(self, text: str) -> subprocess.CompletedProcess:
        """systemd-analyze verify on `text` with the installed hadnsd path
        replaced by the built one (the test does not install anything)."""
        with tempfile.TemporaryDirectory(prefix="hadns-unit-") as d:
            path = os.path.join(d, "hadnsd.service")
            with open(path, "w") as f:
                f.write(text.replace("/usr/local/bin/hadnsd", os.path.abspath(harness.HADNSD)))
            return subprocess.run(["systemd-analyze", "verify", "--man=no", path],
                                  capture_output=True, text=True, timeout=60)

    def test_unit_verifies_cleanly(self):
        with open(UNIT) as f:
            text = f.read()
        r = self.verify(text)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout + r.stderr, "", "systemd-analyze verify has something to say")
        # The check can fail: a broken copy is reported.
        r = self.verify(text.replace("Type=notify", "Type=notifyy"))
        self.assertIn("notifyy", r.stdout + r.stderr)

    def test_unit_is_notify_and_its_config_keeps_state_in_the_state_directory(self):
        svc = unit_service_section()
        self.assertEqual(svc["Type"], "notify")
        self.assertEqual(svc["ProtectSystem"], "strict")
        state_dir = "/var/lib/" + svc["StateDirectory"] + "/"
        with open(os.path.join(CONF, "hadnsd.yaml")) as f:
            cfg = yaml.safe_load(f)
        self.assertTrue(cfg["control"]["state_file"].startswith(state_dir), cfg["control"])
        r = subprocess.run([harness.HADNSD, "--check-config", os.path.join(CONF, "hadnsd.yaml")],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


class Notify(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hadns-notify-")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.path = os.path.join(self.tmp, "notify.sock")
        self.sock.bind(self.path)

    def tearDown(self):
        self.sock.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def message(self, timeout: float = 30) -> dict:
        """The next notification as {KEY: value}."""
        self.sock.settimeout(timeout)
        data = self.sock.recv(4096).decode()
        return dict(line.split("=", 1) for line in data.splitlines() if "=" in line)

    def no_message(self, wait: float = 0.3) -> None:
        self.sock.settimeout(wait)
        with self.assertRaises(socket.timeout):
            self.sock.recv(4096)

    def test_ready_reloading_stopping(self):
        d = Daemon(CONFIG, files={"demo.test.zone": harness.ZONE}, start=False,
                   env={"NOTIFY_SOCKET": self.path})
        try:
            d.start(wait=False)
            m = self.message()
            self.assertEqual(m.get("READY"), "1", m)
            self.assertIn("serving", m.get("STATUS", ""))
            # READY=1 comes once the listeners are open: both answer now.
            self.assertEqual(harness.answers(d.port, "www.demo.test"), ["192.0.2.10"])
            code, _ = d.http("GET", "/healthz")
            self.assertEqual(code, 200)
            self.no_message()

            d.sighup()
            m = self.message()
            self.assertEqual(m.get("RELOADING"), "1", m)
            self.assertIn("MONOTONIC_USEC", m)
            m = self.message()
            self.assertEqual(m.get("READY"), "1", m)
            self.assertIn("generation 2", m.get("STATUS", ""))

            d.write("demo.test.zone", harness.ZONE + "broken line\n")
            code, _ = d.http("POST", "/reload")
            self.assertEqual(code, 422)
            self.assertEqual(self.message().get("RELOADING"), "1")
            m = self.message()
            self.assertEqual(m.get("READY"), "1", m)
            self.assertIn("reload refused", m.get("STATUS", ""))

            d.signal(signal.SIGTERM)
            m = self.message()
            self.assertEqual(m.get("STOPPING"), "1", m)
            self.assertEqual(d.wait_exit(10), 0, d.log_text())
        finally:
            d.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
