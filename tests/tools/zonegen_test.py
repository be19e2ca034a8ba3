#!/usr/bin/python3
"""tests/tools/zonegen_test.py -- tools/zonegen writes a loadable zone of N
names with SOA and NS, the same bytes for the same arguments."""

import os
import subprocess
import sys
import unittest

import dns.rdatatype
import dns.zone

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ZONEGEN = os.path.join(ROOT, "tools", "zonegen")


def zonegen(*args):
    return subprocess.run([sys.executable, ZONEGEN, *args], capture_output=True, text=True,
                          check=True).stdout


class ZonegenTest(unittest.TestCase):
    def test_n_a_records_with_soa_and_ns(self):
        text = zonegen("--origin", "gen.test.", "--names", "1000")
        zone = dns.zone.from_text(text, origin="gen.test.", relativize=False)
        a_names = [n for n, node in zone.nodes.items()
                   if node.get_rdataset(1, dns.rdatatype.A) and n.labels[0].startswith(b"host")]
        self.assertEqual(len(a_names), 1000)
        apex = zone.nodes[zone.origin]
        self.assertIsNotNone(apex.get_rdataset(1, dns.rdatatype.SOA))
        self.assertEqual(len(apex.get_rdataset(1, dns.rdatatype.NS)), 2)
        addresses = {zone.nodes[n].get_rdataset(1, dns.rdatatype.A)[0].address for n in a_names}
        self.assertEqual(len(addresses), 1000)  # every host has its own address

    def test_options_add_aaaa_txt_cname(self):
        text = zonegen("--origin", "gen.test", "--names", "200", "--aaaa", "0.5", "--txt", "0.2",
                       "--cname", "0.1")
        zone = dns.zone.from_text(text, origin="gen.test.", relativize=False)
        count = lambda t: sum(1 for node in zone.nodes.values() if node.get_rdataset(1, t))
        self.assertTrue(60 < count(dns.rdatatype.AAAA) < 140)
        self.assertTrue(15 < count(dns.rdatatype.TXT) < 70)
        self.assertEqual(count(dns.rdatatype.CNAME), 20)

    def test_deterministic(self):
        args = ("--origin", "gen.test.", "--names", "300", "--aaaa", "0.3", "--cname", "0.1")
        self.assertEqual(zonegen(*args), zonegen(*args))
        self.assertNotEqual(zonegen(*args), zonegen(*args, "--seed", "2"))


if __name__ == "__main__":
    unittest.main()
