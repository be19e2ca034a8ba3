"""tests/server/answers_test.py -- the real hadnsd answers over UDP and TCP,
IPv4 and IPv6: positive, NXDOMAIN, NODATA, CNAME, referral, and truncation
over UDP followed by the full answer over TCP; kdig agrees with dnspython."""
import subprocess
import unittest

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from server_harness import Server

ADDRESSES = ("127.0.0.1", "::1")


class AnswersTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(shards=2)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def ask(self, name, rdtype, tcp, address, edns=0, payload=1232):
        q = dns.message.make_query(name, rdtype, use_edns=edns, payload=payload)
        fn = dns.query.tcp if tcp else dns.query.udp
        r = fn(q, address, port=self.server.port, timeout=2)
        self.assertEqual(r.id, q.id)
        self.assertFalse(r.flags & dns.flags.RA)
        return r

    def each_transport(self):
        for address in ADDRESSES:
            for tcp in (False, True):
                with self.subTest(address=address, tcp=tcp):
                    yield address, tcp

    def test_positive(self):
        for address, tcp in self.each_transport():
            r = self.ask("www.demo.test.", "A", tcp, address)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertTrue(r.flags & dns.flags.AA)
            self.assertEqual([rd.to_text() for rs in r.answer for rd in rs], ["127.0.0.10"])

    def test_question_case_is_echoed(self):
        for address, tcp in self.each_transport():
            r = self.ask("WwW.DeMo.TeSt.", "A", tcp, address)
            self.assertEqual(r.question[0].name.to_text(), "WwW.DeMo.TeSt.")
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)

    def test_nxdomain(self):
        for address, tcp in self.each_transport():
            r = self.ask("nope.demo.test.", "A", tcp, address)
            self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN)
            self.assertEqual(r.answer, [])
            self.assertEqual([rs.rdtype for rs in r.authority], [dns.rdatatype.SOA])

    def test_nodata(self):
        for address, tcp in self.each_transport():
            r = self.ask("www.demo.test.", "TXT", tcp, address)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertEqual(r.answer, [])
            self.assertEqual([rs.rdtype for rs in r.authority], [dns.rdatatype.SOA])

    def test_cname_chain(self):
        for address, tcp in self.each_transport():
            r = self.ask("web.demo.test.", "A", tcp, address)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            types = [(rs.name.to_text(), rs.rdtype) for rs in r.answer]
            self.assertEqual(types, [("web.demo.test.", dns.rdatatype.CNAME),
                                     ("www.demo.test.", dns.rdatatype.A)])

    def test_referral(self):
        for address, tcp in self.each_transport():
            r = self.ask("host.sub.demo.test.", "A", tcp, address)
            self.assertEqual(r.rcode(), dns.rcode.NOERROR)
            self.assertFalse(r.flags & dns.flags.AA)
            self.assertEqual(r.answer, [])
            self.assertEqual([(rs.name.to_text(), rs.rdtype) for rs in r.authority],
                             [("sub.demo.test.", dns.rdatatype.NS)])
            glue = [rd.to_text() for rs in r.additional if rs.rdtype == dns.rdatatype.A for rd in rs]
            self.assertEqual(glue, ["127.0.0.53"])

    def test_outside_our_zones_is_refused(self):
        for address, tcp in self.each_transport():
            r = self.ask("example.com.", "A", tcp, address)
            self.assertEqual(r.rcode(), dns.rcode.REFUSED)

    def test_truncated_over_udp_then_whole_over_tcp(self):
        for address in ADDRESSES:
            with self.subTest(address=address):
                for edns in (False, 0):  # 512 without EDNS, 1232 with
                    r = self.ask("big.demo.test.", "TXT", False, address, edns=edns)
                    self.assertTrue(r.flags & dns.flags.TC)
                    self.assertEqual(r.answer, [])
                r = self.ask("big.demo.test.", "TXT", True, address)
                self.assertFalse(r.flags & dns.flags.TC)
                self.assertEqual(sum(len(rs) for rs in r.answer), 20)
                self.assertGreater(len(r.to_wire()), 4000)

    def test_kdig_udp_and_tcp(self):
        for address in ADDRESSES:
            for proto in ("+notcp", "+tcp"):
                with self.subTest(address=address, proto=proto):
                    out = subprocess.run(
                        ["kdig", f"@{address}", "-p", str(self.server.port), proto, "+time=2",
                         "+retry=0", "+short", "mail.demo.test.", "A"],
                        capture_output=True, text=True, timeout=10)
                    self.assertEqual(out.returncode, 0, out.stderr)
                    self.assertEqual(out.stdout.strip(), "127.0.0.25")

    def test_kdig_falls_back_to_tcp_on_truncation(self):
        out = subprocess.run(
            ["kdig", "@127.0.0.1", "-p", str(self.server.port), "+noedns", "+time=2", "+retry=0",
             "big.demo.test.", "TXT"], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("TC", out.stdout)  # kdig reports the truncated UDP reply first
        self.assertIn("TCP", out.stdout)  # and the full one over TCP
        self.assertEqual(out.stdout.count('"19xxxx'), 1, out.stdout)


if __name__ == "__main__":
    unittest.main()
