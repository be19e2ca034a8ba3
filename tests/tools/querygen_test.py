#!/usr/bin/python3
"""tests/tools/querygen_test.py -- tools/querygen writes every served name and
type of a config, the asked share of NXDOMAIN names, shuffled by seed."""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUERYGEN = os.path.join(ROOT, "tools", "querygen")
CONFIG = os.path.join(ROOT, "tests", "tools", "data", "small.yaml")

SERVED = {
    ("small.test", "SOA"), ("small.test", "NS"), ("small.test", "MX"),
    ("ns1.small.test", "A"), ("mail.small.test", "A"), ("mail.small.test", "AAAA"),
    ("www.small.test", "CNAME"),
    ("app.small.test", "A"), ("svc.small.test", "TXT"),  # failover records from the config
}


def run(*args):
    out = subprocess.run([sys.executable, QUERYGEN, CONFIG, *args],
                         capture_output=True, text=True, check=True)
    return [tuple(line.split()) for line in out.stdout.splitlines()]


class QuerygenTest(unittest.TestCase):
    def test_every_served_name_and_type_once_without_nxdomain(self):
        lines = run("--nxdomain-share", "0")
        wild = [l for l in lines if l[0].endswith(".wild.small.test")]
        rest = [l for l in lines if not l[0].endswith(".wild.small.test")]
        self.assertEqual(sorted(rest), sorted(SERVED))
        # The wildcard owner is written with a random label in place of "*".
        self.assertEqual(len(wild), 1)
        self.assertEqual(wild[0][1], "TXT")
        self.assertNotIn("*", wild[0][0])

    def test_nxdomain_share_of_count(self):
        lines = run("--count", "200", "--nxdomain-share", "0.25", "--seed", "3")
        self.assertEqual(len(lines), 200)
        nx = [l for l in lines if l[0].startswith("nx-")]
        self.assertEqual(len(nx), 50)
        names = {l[0] for l in lines}
        for name, rdtype in nx:
            self.assertTrue(name.endswith(".small.test"), name)
            self.assertEqual(rdtype, "A")
        # Every served query appears in the positive part.
        self.assertTrue({s for s in SERVED} <= {l for l in lines})
        self.assertTrue(all(n.count(".") >= 1 for n in names))

    def test_nxdomain_names_do_not_exist(self):
        import dns.zone
        zone = dns.zone.from_file(os.path.join(ROOT, "tests", "tools", "data", "small.test.zone"),
                                  origin="small.test.", relativize=False)
        existing = {n.to_text(omit_final_dot=True).lower() for n in zone.nodes}
        for name, _ in run("--count", "500", "--nxdomain-share", "0.5"):
            if name.startswith("nx-"):
                self.assertNotIn(name.lower(), existing)

    def test_same_seed_same_file_other_seed_other_order(self):
        a = run("--count", "100", "--seed", "7")
        b = run("--count", "100", "--seed", "7")
        c = run("--count", "100", "--seed", "8")
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_output_file_and_dnsperf_format(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "q.txt")
            subprocess.run([sys.executable, QUERYGEN, CONFIG, "-o", path, "--seed", "1"], check=True,
                           capture_output=True)
            with open(path) as f:
                text = f.read()
        self.assertTrue(text.endswith("\n"))
        for line in text.splitlines():
            parts = line.split(" ")
            self.assertEqual(len(parts), 2, line)
            self.assertTrue(parts[1].isupper(), line)

    def test_public_only_skips_private_zones(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "c.yaml")
            zone = os.path.join(ROOT, "tests", "tools", "data", "small.test.zone")
            with open(cfg, "w") as f:
                f.write(f"zones:\n  - origin: small.test.\n    file: {zone}\n"
                        f"    allow_from: [10.0.0.0/8]\n")
            out = subprocess.run([sys.executable, QUERYGEN, cfg, "--public-only"],
                                 capture_output=True, text=True)
            self.assertEqual(out.stdout, "")


if __name__ == "__main__":
    unittest.main()
