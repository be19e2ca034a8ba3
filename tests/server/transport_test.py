"""tests/server/transport_test.py -- RFC 7766 TCP and hostile traffic against
the real hadnsd: pipelined queries answered in order, partial writes, idle
timeout (counted from the last complete message: a client trickling bytes is
closed), the connection cap, a garbage TCP client, OPT over TCP advertising
edns_udp_size, malformed UDP packets."""
import os
import re
import socket
import struct
import subprocess
import time
import unittest

import dns.message
import dns.query
import dns.rcode

from server_harness import CONFIG, Server, wait_until


def frame(wire: bytes) -> bytes:
    return struct.pack("!H", len(wire)) + wire


def read_exact(s: socket.socket, n: int) -> bytes:
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


def read_message(s: socket.socket) -> dns.message.Message:
    (n,) = struct.unpack("!H", read_exact(s, 2))
    return dns.message.from_wire(read_exact(s, n))


def closed_within(s: socket.socket, seconds: float) -> bool:
    """True if the server closes (EOF or reset) within `seconds`."""
    s.settimeout(0.1)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if s.recv(4096) == b"":
                return True
        except socket.timeout:
            continue
        except ConnectionResetError:
            return True
    return False


def udp_ok(port: int, address="127.0.0.1") -> bool:
    q = dns.message.make_query("www.demo.test.", "A")
    try:
        r = dns.query.udp(q, address, port=port, timeout=1)
    except Exception:
        return False
    return r.rcode() == dns.rcode.NOERROR and len(r.answer) == 1


class TcpTest(unittest.TestCase):
    def test_pipelined_queries_in_one_write_answered_in_order(self):
        with Server(shards=2) as srv:
            for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
                with self.subTest(address=address), socket.socket(family, socket.SOCK_STREAM) as s:
                    s.connect((address, srv.port))
                    names = ["www", "nope", "big", "web", "mail", "www"] * 3
                    queries = []
                    for i, n in enumerate(names):
                        q = dns.message.make_query(f"{n}.demo.test.", "TXT" if n == "big" else "A")
                        q.id = 1000 + i
                        queries.append(q)
                    s.sendall(b"".join(frame(q.to_wire()) for q in queries))
                    s.settimeout(5)
                    for q in queries:
                        r = read_message(s)
                        self.assertEqual(r.id, q.id)
                        self.assertEqual(r.question[0].name, q.question[0].name)
                        nx = q.question[0].name.labels[0] == b"nope"
                        self.assertEqual(r.rcode(), dns.rcode.NXDOMAIN if nx else dns.rcode.NOERROR)

    def test_partial_writes_are_reassembled(self):
        with Server() as srv, socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            q = dns.message.make_query("www.demo.test.", "A")
            data = frame(q.to_wire()) * 2
            for i in range(len(data)):
                s.send(data[i:i + 1])
                time.sleep(0.002)
            s.settimeout(5)
            for _ in range(2):
                r = read_message(s)
                self.assertEqual(r.id, q.id)
                self.assertEqual(r.rcode(), dns.rcode.NOERROR)

    def test_idle_connection_is_closed(self):
        with Server(idle="500ms") as srv, socket.create_connection(("127.0.0.1", srv.port)) as s:
            q = dns.message.make_query("www.demo.test.", "A")
            s.sendall(frame(q.to_wire()))
            s.settimeout(5)
            self.assertEqual(read_message(s).id, q.id)
            start = time.monotonic()
            self.assertTrue(closed_within(s, 3))
            waited = time.monotonic() - start
            self.assertGreater(waited, 0.4)
            self.assertLess(waited, 2.0)

    def test_trickling_client_is_closed_at_idle_timeout(self):
        # Slowloris: one byte every 0.3 s never completes a message, so it
        # does not reset the idle timer.
        with Server(idle="1s") as srv, socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            data = frame(dns.message.make_query("www.demo.test.", "A").to_wire())
            start = time.monotonic()
            closed = False
            for i in range(12):  # 3.6 s at most, 12 of the query's bytes
                try:
                    s.send(data[i:i + 1])
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
                if closed_within(s, 0.3):
                    closed = True
                    break
            waited = time.monotonic() - start
            self.assertTrue(closed, f"a client trickling bytes kept its connection {waited:.1f} s")
            self.assertGreater(waited, 0.9)
            self.assertLess(waited, 1.8)  # the timeout, the sweep period (0.25 s), slack

    def test_client_completing_messages_keeps_its_connection(self):
        with Server(idle="1s") as srv, socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.settimeout(5)
            for i in range(8):  # 8 x 0.4 s: three idle timeouts
                time.sleep(0.4)
                q = dns.message.make_query("www.demo.test.", "A")
                s.sendall(frame(q.to_wire()))
                self.assertEqual(read_message(s).id, q.id, f"query {i}")
            # A message sent in pieces counts once it is complete.
            q = dns.message.make_query("mail.demo.test.", "A")
            data = frame(q.to_wire())
            s.sendall(data[:5])
            time.sleep(0.5)
            s.sendall(data[5:])
            self.assertEqual(read_message(s).id, q.id)

    def test_tcp_opt_advertises_edns_udp_size(self):
        config = CONFIG.replace("  shards:", "  edns_udp_size: 4000\n  shards:")
        with Server(config=config) as srv:
            for transport in ("+tcp", "+notcp"):
                with self.subTest(transport):
                    out = subprocess.run(
                        ["kdig", "@127.0.0.1", "-p", str(srv.port), transport, "+edns=0",
                         "+bufsize=1232", "+time=2", "+retry=0", "www.demo.test.", "A"],
                        capture_output=True, text=True, timeout=20).stdout
                    self.assertIn("status: NOERROR", out, out)
                    size = re.search(r"UDP size: (\d+) B", out)
                    self.assertIsNotNone(size, out)
                    self.assertEqual(int(size.group(1)), 4000, out)

    def test_connections_beyond_the_cap_are_closed_at_once(self):
        with Server(shards=2, max_connections=3) as srv:
            held = []
            try:
                for i in range(3):
                    s = socket.create_connection(("127.0.0.1" if i % 2 else "::1", srv.port))
                    held.append(s)
                    q = dns.message.make_query("www.demo.test.", "A")
                    s.sendall(frame(q.to_wire()))
                    s.settimeout(5)
                    self.assertEqual(read_message(s).id, q.id)
                extra = socket.create_connection(("127.0.0.1", srv.port))
                start = time.monotonic()
                self.assertTrue(closed_within(extra, 2))
                self.assertLess(time.monotonic() - start, 1.0)
                extra.close()
                # The connections under the cap keep working.
                for s in held:
                    q = dns.message.make_query("mail.demo.test.", "A")
                    s.sendall(frame(q.to_wire()))
                    self.assertEqual(read_message(s).id, q.id)
                # Closing one frees a place.
                held.pop().close()
                def another_works():
                    try:
                        with socket.create_connection(("127.0.0.1", srv.port)) as t:
                            q = dns.message.make_query("www.demo.test.", "A")
                            t.sendall(frame(q.to_wire()))
                            t.settimeout(1)
                            return read_message(t).id == q.id
                    except (ConnectionError, socket.timeout):
                        return False
                self.assertTrue(wait_until(another_works, 3, 0.1))
                self.assertTrue(udp_ok(srv.port))
            finally:
                for s in held:
                    s.close()
            srv.stop()
            total_refused = sum(c["tcp_refused"] for c in srv.shard_counters().values())
            self.assertGreaterEqual(total_refused, 1)

    def test_garbage_client_is_disconnected(self):
        with Server() as srv:
            cases = {
                "short length": b"\x00\x05hello",
                "zero length": b"\x00\x00",
                "random": b"\x00\x0b" + os.urandom(11),
            }
            for label, junk in cases.items():
                with self.subTest(label), socket.create_connection(("127.0.0.1", srv.port)) as s:
                    s.sendall(junk)
                    self.assertTrue(closed_within(s, 2))
            # A header-sized message the core cannot read as a query (QR=1).
            with socket.create_connection(("127.0.0.1", srv.port)) as s:
                q = dns.message.make_query("www.demo.test.", "A")
                wire = bytearray(q.to_wire())
                wire[2] |= 0x80
                s.sendall(frame(bytes(wire)))
                self.assertTrue(closed_within(s, 2))
            # Queries pipelined before such a message are still answered,
            # then the connection closes.
            with socket.create_connection(("127.0.0.1", srv.port)) as s:
                good = dns.message.make_query("www.demo.test.", "A")
                s.sendall(frame(good.to_wire()) + frame(bytes(wire)))
                r = read_message(s)
                self.assertEqual(r.id, good.id)
                self.assertEqual(r.rcode(), dns.rcode.NOERROR)
                self.assertTrue(closed_within(s, 2))
            self.assertTrue(udp_ok(srv.port))

    def test_slow_tcp_client_does_not_stall_udp(self):
        with Server(shards=1) as srv, socket.create_connection(("127.0.0.1", srv.port)) as s:
            s.sendall(b"\x00\x40" + b"\x00" * 10)  # half a query, then nothing
            for _ in range(20):
                self.assertTrue(udp_ok(srv.port))


class UdpTest(unittest.TestCase):
    def test_malformed_packets_do_not_stop_answers(self):
        with Server(shards=2) as srv:
            for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
                with self.subTest(address=address), socket.socket(family, socket.SOCK_DGRAM) as u:
                    junk = [b"", b"\x00", b"\x12\x34\x01", os.urandom(11), os.urandom(12),
                            os.urandom(100), os.urandom(1500), b"\xff" * 512]
                    q = dns.message.make_query("www.demo.test.", "A")
                    response_flag = bytearray(q.to_wire())
                    response_flag[2] |= 0x80
                    junk.append(bytes(response_flag))
                    truncated = q.to_wire()[:-3]
                    junk.append(truncated)
                    for _ in range(5):
                        for j in junk:
                            u.sendto(j, (address, srv.port))
                    # Every good query still gets its answer.
                    for _ in range(20):
                        self.assertTrue(udp_ok(srv.port, address))
            self.assertTrue(srv.running())


if __name__ == "__main__":
    unittest.main()
