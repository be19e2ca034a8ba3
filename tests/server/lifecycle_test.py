"""tests/server/lifecycle_test.py -- the real hadnsd's command line and life
cycle: --version, --help, --check-config, a clean exit 0 on SIGTERM and
SIGINT, a clear message and non-zero exit for a taken port, a broken config
and a zone that does not load, and SIGHUP reloads (a broken one keeps the
running config)."""
import os
import signal
import socket
import time
import unittest

import dns.message
import dns.query
import dns.rcode

from server_harness import CONFIG, ZONE, Server, run_hadnsd, wait_until


def answer(port, name, rdtype="A"):
    r = dns.query.udp(dns.message.make_query(name, rdtype), "127.0.0.1", port=port, timeout=1)
    if r.rcode() != dns.rcode.NOERROR:
        return dns.rcode.to_text(r.rcode())
    return sorted(rd.to_text() for rs in r.answer for rd in rs)


class CommandLineTest(unittest.TestCase):
    def test_version_and_help(self):
        rc, out = run_hadnsd(["--version"])
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"hadnsd \d+\.\d+\.\d+")
        rc, out = run_hadnsd(["--help"])
        self.assertEqual(rc, 0)
        for flag in ("--config", "--check-config", "--version"):
            self.assertIn(flag, out)

    def test_check_config(self):
        with Server(start=False) as srv:
            rc, out = run_hadnsd(["--check-config", srv.config_path])
            self.assertEqual(rc, 0, out)
            self.assertIn("ok", out)
            srv.write("hadns.yaml", open(srv.config_path).read() + "bogus_key: 1\n")
            rc, out = run_hadnsd(["--check-config", srv.config_path])
            self.assertNotEqual(rc, 0)
            self.assertIn("hadns.yaml", out)
            self.assertIn("bogus_key", out)

    def test_no_arguments_is_an_error(self):
        rc, out = run_hadnsd([])
        self.assertNotEqual(rc, 0)
        self.assertIn("--config", out)


class LifecycleTest(unittest.TestCase):
    def test_sigterm_and_sigint_exit_zero_within_a_second(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(sig=sig.name), Server(shards=2) as srv:
                self.assertEqual(answer(srv.port, "www.demo.test."), ["127.0.0.10"])
                # An open TCP connection must not hold the exit up.
                held = socket.create_connection(("127.0.0.1", srv.port))
                start = time.monotonic()
                srv.signal(sig)
                rc = srv.wait_exit(5)
                elapsed = time.monotonic() - start
                held.close()
                self.assertEqual(rc, 0, srv.log_text())
                self.assertLess(elapsed, 1.0)
                log = srv.log_text()
                self.assertIn("stopping", log)
                self.assertIn("shard counters:", log)
                self.assertIn("stopped", log)

    def test_log_names_listeners_shards_and_zones(self):
        with Server(shards=2) as srv:
            log = srv.log_text()
            self.assertIn(f"listening on 127.0.0.1:{srv.port}", log)
            self.assertIn(f"listening on [::1]:{srv.port}", log)
            self.assertIn("2 shard(s)", log)
            self.assertRegex(log, r"zone demo\.test\. \(public\): \d+ record")
            # Timestamped lines, one per event.
            for line in log.splitlines():
                self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z hadnsd ")

    def test_taken_port_fails_before_serving(self):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with self.subTest(kind=kind.name):
                holder = socket.socket(socket.AF_INET, kind)
                holder.bind(("127.0.0.1", 0))
                if kind == socket.SOCK_STREAM:
                    holder.listen()
                port = holder.getsockname()[1]
                try:
                    with Server(port=port, start=False) as srv:
                        srv.start(wait=False)
                        rc = srv.wait_exit()
                        log = srv.log_text()
                        self.assertNotEqual(rc, 0, log)
                        self.assertIn(f"127.0.0.1:{port}", log)
                        self.assertIn("Address already in use", log)
                        self.assertNotIn(" serving", log)
                finally:
                    holder.close()

    def test_broken_config_fails_with_file_line_and_key(self):
        bad = CONFIG.replace("  tcp_idle_timeout: @IDLE@\n", "  tcp_idle_timeout: soon\n")
        with Server(config=bad, start=False) as srv:
            srv.start(wait=False)
            rc = srv.wait_exit()
            log = srv.log_text()
            self.assertNotEqual(rc, 0)
            self.assertIn("hadns.yaml:4", log)
            self.assertIn("tcp_idle_timeout", log)
            self.assertNotIn(" serving", log)

    def test_zone_that_fails_to_load_fails_start(self):
        with Server(zone=ZONE + "broken line with no type\n", start=False) as srv:
            srv.start(wait=False)
            rc = srv.wait_exit()
            log = srv.log_text()
            self.assertNotEqual(rc, 0)
            self.assertIn("demo.test.zone", log)
            self.assertNotIn(" serving", log)

    @unittest.skipUnless(os.geteuid() == 0, "dropping privileges needs root")
    def test_server_user_drops_root_after_binding(self):
        import pwd
        try:
            nobody = pwd.getpwnam("nobody")
        except KeyError:
            self.skipTest("no user nobody")
        config = CONFIG.replace("control:", "  user: nobody\ncontrol:")
        with Server(config=config) as srv:
            self.assertIn("running as user nobody", srv.log_text())
            with open(f"/proc/{srv.proc.pid}/status") as f:
                uids = next(line for line in f if line.startswith("Uid:")).split()[1:]
            self.assertEqual({int(u) for u in uids}, {nobody.pw_uid})
            self.assertEqual(answer(srv.port, "www.demo.test."), ["127.0.0.10"])
            self.assertEqual(srv.stop(), 0)

    def test_sighup_reloads_and_a_broken_reload_keeps_serving(self):
        with Server(shards=2) as srv:
            self.assertEqual(answer(srv.port, "www.demo.test."), ["127.0.0.10"])
            srv.write("demo.test.zone", ZONE.replace("127.0.0.10", "127.0.0.11"))
            srv.signal(signal.SIGHUP)
            self.assertTrue(wait_until(lambda: answer(srv.port, "www.demo.test.") == ["127.0.0.11"], 5),
                            srv.log_text())
            self.assertIn("reload: done", srv.log_text())
            srv.write("demo.test.zone", ZONE + "broken line with no type\n")
            srv.signal(signal.SIGHUP)
            self.assertTrue(wait_until(lambda: "reload failed" in srv.log_text(), 5), srv.log_text())
            self.assertIn("demo.test.zone", srv.log_text().split("reload failed")[1])
            self.assertEqual(answer(srv.port, "www.demo.test."), ["127.0.0.11"])
            self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
