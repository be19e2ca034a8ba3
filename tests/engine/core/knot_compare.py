#!/usr/bin/python3
"""knot_compare.py -- the packet core and Knot DNS answer the same queries.

Writes one zone (CNAME chain, wildcard, delegation with in-zone glue, empty
non-terminal, a TXT RR set larger than 512 bytes, MX and SRV with in-zone
targets, DNAMEs) and a second zone that chains lead into, into a temporary
folder, starts knotd on a free loopback port with
that zone, starts answer_pipe (the packet core behind stdin/stdout) on a
hadns config serving the same file, and sends both the same corpus: every
name and type in the zone in random letter case, with and without EDNS,
NXDOMAIN and NODATA names, names outside the zone, ANY, and UDP queries
that must truncate (then the same over TCP).

For every query it asserts that rcode, the AA and TC flags, OPT presence and
the answer, authority and additional sections agree as RR sets of (owner
lower-cased, type, TTL, RDATA). The differences that the RFCs allow are
listed in ALLOWED below, each with its reason; a response that differs in
any other way fails the test.

Run: /usr/bin/python3 knot_compare.py --answer-pipe PATH [--knotd /usr/sbin/knotd]
Exit status 0 when everything agrees, 1 on a difference, 2 on set-up errors.
"""

import argparse
import os
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone

ORIGIN = "compare.test."
TARGET_ORIGIN = "target.test."
# 201 bytes: a name of 55 bytes or more below long.compare.test. cannot be
# substituted within 255 bytes (YXDOMAIN, RFC 6672 2.2).
LONG_TARGET = ".".join(c * 63 for c in "abc") + ".example."
P50 = "p" * 50

# 12 TXT records of 90 bytes: about 1.2 kB, more than 512 and 1232 bytes.
BIG_TXT = "\n".join(
    'bigtxt\tTXT\t"%02d-%s"' % (i, "x" * 86) for i in range(12))
# 6 TXT records of 100 bytes: over 512, under 1232 bytes.
MID_TXT = "\n".join(
    'midtxt\tTXT\t"%02d-%s"' % (i, "y" * 96) for i in range(6))

ZONE = """$ORIGIN compare.test.
$TTL 3600
@\tSOA\tns1 hostmaster 2024010101 7200 900 1209600 300
@\tNS\tns1
@\tNS\tns2
@\tMX\t10 mail
@\tMX\t20 mail2
@\tA\t192.0.2.1
@\tTXT\t"v=spf1 -all"
ns1\tA\t192.0.2.53
ns2\tA\t192.0.2.54
ns2\tAAAA\t2001:db8::54
mail\tA\t192.0.2.25
mail\tAAAA\t2001:db8::25
mail2\t600\tA\t192.0.2.26
www\tA\t192.0.2.80
www\tAAAA\t2001:db8::80
www\tTXT\t"web"
alias\tCNAME\tchain1
chain1\tCNAME\tchain2
chain2\tCNAME\twww
dangling\tCNAME\tnowhere
outside\tCNAME\twww.example.org.
wcname\tCNAME\tfoo.wild
*.wild\tA\t192.0.2.99
*.wild\tTXT\t"wildcard"
exact.wild\tA\t192.0.2.98
sub\tNS\tns.sub
sub\tNS\tns.other.test.
ns.sub\tA\t192.0.2.55
ns.sub\tAAAA\t2001:db8::55
a.b.ent\tA\t192.0.2.7
_sip._tcp\tSRV\t10 5 5060 sipserver
sipserver\tA\t192.0.2.60
dept\t600\tDNAME\tnew
dept\tA\t192.0.2.10
dept\tTXT\t"dname owner"
new\tA\t192.0.2.20
www.new\tA\t192.0.2.21
www.new\tAAAA\t2001:db8::21
alias.new\tCNAME\twww.new
*.wild.new\tA\t192.0.2.22
mail.new\tMX\t10 www.new
ext\tDNAME\texample.org.
cross\tDNAME\t%s
todeleg\tDNAME\tsub
chain\tDNAME\tdept
tocname\tCNAME\twww.dept
tocross\tCNAME\thost.%s
tocut\tCNAME\thost.sub
toglue\tCNAME\tns.sub
tocutname\tCNAME\tsub
chaincut\tCNAME\ttocut
long\tDNAME\t%s
%s
%s
""" % (TARGET_ORIGIN, TARGET_ORIGIN, LONG_TARGET, BIG_TXT, MID_TXT)

# A second zone both servers serve: DNAME and CNAME chains lead into it.
TARGET_ZONE = """$ORIGIN %s
$TTL 600
@\tSOA\tns1.%s hostmaster.%s 1 7200 900 1209600 120
@\tNS\tns1.%s
host\tA\t198.51.100.10
host\tTXT\t"in the target zone"
""" % (TARGET_ORIGIN, ORIGIN, ORIGIN, ORIGIN)

# Names asked for, relative to the origin ("@" = apex); absolute ones end in ".".
NAMES = [
    "@", "ns1", "ns2", "mail", "mail2", "www", "alias", "chain1", "chain2",
    "dangling", "outside", "wcname", "foo.wild", "a.b.wild", "exact.wild",
    "*.wild", "wild", "sub", "ns.sub", "host.sub", "deep.host.sub", "ent",
    "b.ent", "a.b.ent", "_sip._tcp", "_tcp", "sipserver", "bigtxt", "midtxt",
    "nx", "nx.www", "x.a.b.ent",
    # DNAME (RFC 6672): the owner, names below it (in-zone target, chained
    # CNAME, wildcard, MX with additional, missing), out of our zones, into
    # the other zone we serve, into a delegation, DNAME to DNAME, a CNAME
    # into a DNAME, and substitutions of 255 bytes and of more (YXDOMAIN).
    "dept", "www.dept", "alias.dept", "a.b.wild.dept", "mail.dept", "nx.dept",
    "host.ext", "host.cross", "nx.cross", "ns.todeleg", "www.chain", "tocname",
    "tocross", "qq.%s.long" % P50, "qqqqq.%s.long" % P50,
    # CNAMEs into a delegation: to a name below the cut, to its glue, to
    # the cut itself (DS is the parent's), and a chain that ends there.
    "tocut", "toglue", "tocutname", "chaincut",
    # outside the zone
    "example.org.", "test.", ".", "compare.test.example.", "xcompare.test.",
]
TYPES = ["A", "AAAA", "NS", "SOA", "MX", "TXT", "SRV", "CNAME", "PTR", "DS", "DNAME", "ANY"]


# ---------------------------------------------------------------------------
# Allowed differences. Each rule says when it applies and what it checks
# instead of equality; `check` returns None when the difference is the
# allowed one, else a message.

def rrset_types(section):
    return sorted({rrset.rdtype for rrset in section})


def rr_set(section):
    out = set()
    for rrset in section:
        for rd in rrset:
            out.add((rrset.name.to_text().lower(), dns.rdatatype.to_text(rrset.rdtype),
                     rrset.ttl, rd.to_digestable()))
    return out


def any_one_rrset(ctx):
    """RFC 8482 section 4.1 lets a server answer ANY with any one RR set of
    the name. Knot DNS 3.2 and hadns both answer one RR set, over UDP and
    TCP alike; hadns picks the lowest type present. When the two pick
    different RR sets, the hadns one must be a whole RR set of the name
    (or of the wildcard that covers it), of the lowest type, exactly as in
    the zone, and Knot's must be a single RR set too."""
    if len(ctx.knot.answer) != 1:
        return "Knot answered ANY with %d RR sets" % len(ctx.knot.answer)
    if len(ctx.hadns.answer) != 1:
        return "hadns answered ANY with %d RR sets" % len(ctx.hadns.answer)
    qname = ctx.qname_obj.canonicalize()
    node = ctx.zone.get_node(qname)
    if node is None:
        node = ctx.zone.get_node(dns.name.Name((b"*",) + qname.parent().labels))
    if node is None:
        return "no data at %s in the zone" % qname
    lowest = min(rds.rdtype for rds in node.rdatasets)
    got = ctx.hadns.answer[0]
    want = node.get_rdataset(dns.rdataclass.IN, lowest)
    if got.rdtype != lowest or set(got) != set(want) or got.ttl != want.ttl:
        return "hadns ANY answer is %s, expected the %s RR set" % (
            dns.rdatatype.to_text(got.rdtype), dns.rdatatype.to_text(lowest))
    return None


def any_applies(ctx):
    return (ctx.qtype == "ANY" and ctx.knot.rcode() == dns.rcode.NOERROR and
            rr_set(ctx.knot.answer) != rr_set(ctx.hadns.answer) and
            not (ctx.knot.flags & dns.flags.TC) and not (ctx.hadns.flags & dns.flags.TC))


def additional_optional(ctx):
    """RFC 1035 section 4.3.2 step 6 and RFC 2181 section 5.4.1: the
    additional section is optional data. Each server may choose which A/AAAA
    records of NS, MX and SRV targets to add (Knot adds the addresses of
    every in-zone target; hadns may leave some out, e.g. those of failover
    sets, or fill them in differently). Every additional RR either server
    sends must be an address record from the zone at a target named in the
    answer or authority section, with the zone's TTL and data. Referral glue
    is not optional (RFC 9471) and is checked by in_domain_glue below."""
    for who, msg in (("knot", ctx.knot), ("hadns", ctx.hadns)):
        targets = additional_targets(msg)
        for rrset in msg.additional:
            if rrset.rdtype not in (dns.rdatatype.A, dns.rdatatype.AAAA):
                return "%s additional has %s" % (who, dns.rdatatype.to_text(rrset.rdtype))
            if rrset.name.canonicalize() not in targets:
                return "%s additional %s is not a target in the answer" % (who, rrset.name)
            zone_set = ctx.zone.get_rdataset(rrset.name.canonicalize(), rrset.rdtype)
            if zone_set is None or set(zone_set) != set(rrset) or zone_set.ttl != rrset.ttl:
                return "%s additional %s %s differs from the zone" % (
                    who, rrset.name, dns.rdatatype.to_text(rrset.rdtype))
    return None


def in_domain_glue(ctx):
    """Referral glue below the cut is required (RFC 9471): when both servers
    answer with a referral, the in-domain glue addresses must be the same."""
    def glue(msg):
        return {r for r in rr_set(msg.additional) if r[0].endswith("sub." + ORIGIN)}
    if glue(ctx.knot) != glue(ctx.hadns):
        return "referral glue differs: knot %s hadns %s" % (fmt(glue(ctx.knot)), fmt(glue(ctx.hadns)))
    return additional_optional(ctx)


def truncated_content(ctx):
    """RFC 2181 section 9 and RFC 1035 section 4.2.1: a truncated response
    is only a hint to retry over TCP. Knot DNS keeps the RR sets that fit;
    hadns (design: RR sets go whole or not at all) empties answer and
    authority. Both must set TC; whatever either sends must be part of the
    full (TCP) answer."""
    full = rr_set(ctx.knot_tcp.answer) | rr_set(ctx.knot_tcp.authority) | \
        rr_set(ctx.knot_tcp.additional)
    for who, msg in (("knot", ctx.knot), ("hadns", ctx.hadns)):
        sent = rr_set(msg.answer) | rr_set(msg.authority) | rr_set(msg.additional)
        if not sent <= full:
            return "%s truncated response has RRs not in the full answer: %s" % (
                who, fmt(sent - full))
    return None


def is_referral(msg):
    return (msg.rcode() == dns.rcode.NOERROR and not msg.answer and
            not (msg.flags & dns.flags.AA) and
            any(r.rdtype == dns.rdatatype.NS for r in msg.authority))


def last_cname_target(msg):
    """The target of the last CNAME in the answer, or None."""
    target = None
    for rrset in msg.answer:
        if rrset.rdtype == dns.rdatatype.CNAME:
            target = rrset[0].target
    return target


def chain_leaves_zone(ctx):
    return (ctx.knot.rcode() == dns.rcode.NOERROR and not (ctx.knot.flags & dns.flags.TC) and
            ctx.knot.answer and ctx.knot.answer[-1].rdtype == dns.rdatatype.CNAME and
            last_cname_target(ctx.knot).is_subdomain(dns.name.from_text(TARGET_ORIGIN)) and
            (rr_set(ctx.knot.answer) != rr_set(ctx.hadns.answer) or
             rr_set(ctx.knot.authority) != rr_set(ctx.hadns.authority) or
             ctx.knot.rcode() != ctx.hadns.rcode()))


def chain_into_other_zone(ctx):
    """design.md: a CNAME chain (DNAME's synthesised CNAME included) is
    followed inside our zones. Knot DNS 3.2 stops at the edge of the zone
    the query started in; hadns follows into another zone it serves (RFC
    1034 4.3.2 step 3a allows either: the resolver restarts at the target
    anyway). hadns must answer Knot's records followed by exactly Knot's
    own answer for the last CNAME target, with that answer's rcode and
    authority."""
    target = last_cname_target(ctx.knot)
    m = dns.message.make_query(target, ctx.qtype, use_edns=0)
    t = dns.message.from_wire(ctx.knot_ask(m.to_wire()))
    want_answer = rr_set(ctx.knot.answer) | rr_set(t.answer)
    if rr_set(ctx.hadns.answer) != want_answer:
        return "answer: expected %s, hadns %s" % (fmt(want_answer), fmt(rr_set(ctx.hadns.answer)))
    if rr_set(ctx.hadns.authority) != rr_set(t.authority):
        return "authority: expected %s, hadns %s" % (fmt(rr_set(t.authority)),
                                                     fmt(rr_set(ctx.hadns.authority)))
    if ctx.hadns.rcode() != t.rcode():
        return "rcode: expected %s (the target's), hadns %s" % (
            dns.rcode.to_text(t.rcode()), dns.rcode.to_text(ctx.hadns.rcode()))
    return None


# (name, applies(ctx), sections the rule replaces, check)
ALLOWED = [
    ("a chain may be followed into another zone we serve (RFC 1034 4.3.2)",
     chain_leaves_zone, {"answer", "authority", "rcode"}, chain_into_other_zone),
    ("ANY may answer any one RR set (RFC 8482)", any_applies,
     {"answer"}, any_one_rrset),
    ("truncated responses carry only a hint (RFC 2181 s9)",
     lambda c: bool(c.knot.flags & dns.flags.TC) and bool(c.hadns.flags & dns.flags.TC),
     {"answer", "authority", "additional"}, truncated_content),
    ("referral glue required, other additional data optional (RFC 9471)",
     lambda c: is_referral(c.knot) and is_referral(c.hadns),
     {"additional"}, in_domain_glue),
    ("additional data is optional (RFC 2181 s5.4.1)", lambda c: True,
     {"additional"}, additional_optional),
]


def additional_targets(msg):
    out = set()
    for section in (msg.answer, msg.authority):
        for rrset in section:
            for rd in rrset:
                if rrset.rdtype == dns.rdatatype.NS:
                    out.add(rd.target.canonicalize())
                elif rrset.rdtype == dns.rdatatype.MX:
                    out.add(rd.exchange.canonicalize())
                elif rrset.rdtype == dns.rdatatype.SRV:
                    out.add(rd.target.canonicalize())
    return out


def fmt(rrs):
    return "{" + ", ".join("%s %s %s" % (n, t, ttl) for n, t, ttl, _ in sorted(rrs)) + "}"


# ---------------------------------------------------------------------------
# The two servers.

def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(100):
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.bind(("127.0.0.1", 0))
        port = t.getsockname()[1]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            u.bind(("127.0.0.1", port))
        except OSError:
            t.close()
            u.close()
            continue
        t.close()
        u.close()
        return port
    raise RuntimeError("no free port")


class Knot:
    def __init__(self, knotd, tmp, zone_file, target_file):
        self.port = free_port()
        run = os.path.join(tmp, "knot-run")
        db = os.path.join(tmp, "knot-db")
        os.makedirs(run)
        os.makedirs(db)
        conf = os.path.join(tmp, "knot.conf")
        with open(conf, "w") as f:
            f.write("""server:
    rundir: "%s"
    listen: 127.0.0.1@%d
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "%s"
log:
  - target: stderr
    any: warning
zone:
  - domain: %s
    file: "%s"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
  - domain: %s
    file: "%s"
    journal-content: none
    zonefile-sync: -1
    zonefile-load: whole
""" % (run, self.port, db, ORIGIN, zone_file, TARGET_ORIGIN, target_file))
        self.log = open(os.path.join(tmp, "knotd.log"), "w+")
        self.proc = subprocess.Popen([knotd, "-c", conf], stdout=self.log, stderr=self.log)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 20
        q = dns.message.make_query(ORIGIN, "SOA", use_edns=False)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                r = dns.message.from_wire(self.ask(q.to_wire(), tcp=False, timeout=0.3))
                if r.rcode() == dns.rcode.NOERROR and r.answer:
                    return
            except (OSError, dns.exception.DNSException):
                pass
            time.sleep(0.1)
        self.log.seek(0)
        raise RuntimeError("knotd did not start:\n" + self.log.read())

    def ask(self, wire, tcp, timeout=3.0):
        if tcp:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
                s.sendall(struct.pack("!H", len(wire)) + wire)
                n = struct.unpack("!H", recv_exact(s, 2))[0]
                return recv_exact(s, n)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(wire, ("127.0.0.1", self.port))
            return s.recv(65535)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise OSError("connection closed")
        buf += chunk
    return buf


class Pipe:
    """answer_pipe: [len][family][16-byte address][proto][query] in,
    [len][response] out (len 0 = dropped)."""

    def __init__(self, path, config):
        self.proc = subprocess.Popen([path, config], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ask(self, wire, tcp):
        addr = socket.inet_aton("127.0.0.1") + b"\0" * 12
        frame = struct.pack("!H", len(wire)) + b"\x04" + addr + (b"\x01" if tcp else b"\x00") + wire
        try:
            self.proc.stdin.write(frame)
            self.proc.stdin.flush()
            head = self._read(2)
        except (BrokenPipeError, EOFError):
            raise RuntimeError("answer_pipe exited: " + self.proc.stderr.read().decode(errors="replace"))
        n = struct.unpack("!H", head)[0]
        return self._read(n) if n else None

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            ready, _, _ = select.select([self.proc.stdout], [], [], 10)
            if not ready:
                raise RuntimeError("answer_pipe did not answer within 10 s")
            chunk = os.read(self.proc.stdout.fileno(), n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


# ---------------------------------------------------------------------------
# The corpus and the comparison.

def random_case(rng, text):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


def absolute(name):
    if name == "@":
        return ORIGIN
    if name.endswith("."):
        return name
    return name + "." + ORIGIN


class Query:
    def __init__(self, rng, name, qtype, edns, payload=1232, tcp=False, version=0):
        self.text = random_case(rng, absolute(name)) if name != "." else "."
        self.qtype = qtype
        self.edns = edns
        self.tcp = tcp
        self.payload = payload
        self.msg = dns.message.make_query(
            self.text, qtype, use_edns=(version if edns else False), payload=payload)
        self.msg.id = rng.randrange(65536)
        self.wire = self.msg.to_wire()

    def describe(self):
        return "%s %s %s %s" % (self.text, self.qtype,
                                ("EDNS(%d)" % self.payload) if self.edns else "no-EDNS",
                                "TCP" if self.tcp else "UDP")


def corpus(rng):
    out = []
    for name in NAMES:
        for qtype in TYPES:
            for edns in (False, True):
                out.append(Query(rng, name, qtype, edns))
    # Truncation: the same questions over UDP with small limits, then TCP.
    for name, qtype in (("bigtxt", "TXT"), ("midtxt", "TXT"), ("bigtxt", "ANY"),
                        ("@", "ANY"), ("@", "MX"), ("@", "NS"), ("sub", "A"),
                        ("qq.%s.long" % P50, "A"), ("mail.dept", "MX")):
        out.append(Query(rng, name, qtype, False))
        out.append(Query(rng, name, qtype, True, payload=512))
        out.append(Query(rng, name, qtype, True, payload=1232))
        out.append(Query(rng, name, qtype, True, payload=4096))
        out.append(Query(rng, name, qtype, False, tcp=True))
        out.append(Query(rng, name, qtype, True, tcp=True))
    # Every other name and type over TCP too.
    for name in NAMES:
        for qtype in ("A", "TXT", "ANY"):
            out.append(Query(rng, name, qtype, True, tcp=True))
    # EDNS version 1: BADVERS.
    out.append(Query(rng, "www", "A", True, version=1))
    return out


class Context:
    pass


def parse(wire, who):
    if wire is None:
        return None
    try:
        return dns.message.from_wire(wire)
    except dns.exception.DNSException as e:
        raise AssertionError("%s response does not parse: %s (%s)" % (who, e, wire.hex()))


def compare(q, knot, hadns, knot_tcp, zone, knot_ask=None):
    """A list of (message, allowed-rule-name or None)."""
    problems = []
    if knot is None or hadns is None:
        if (knot is None) != (hadns is None):
            problems.append(("one side dropped the query (knot %s, hadns %s)" % (
                "dropped" if knot is None else "answered",
                "dropped" if hadns is None else "answered"), None))
        return problems, []

    # The question comes back with the client's letter case.
    if hadns.question:
        got = hadns.question[0].name.to_text()
        if got != q.text and q.text != ".":
            problems.append(("question echoed as %s, asked %s" % (got, q.text), None))
    else:
        problems.append(("no question section in the hadns response", None))

    ctx = Context()
    ctx.knot, ctx.hadns, ctx.knot_tcp, ctx.zone = knot, hadns, knot_tcp, zone
    ctx.qtype = q.qtype
    ctx.qname_obj = dns.name.from_text(q.text)
    ctx.knot_ask = knot_ask

    rules = [r for r in ALLOWED if r[1](ctx)]
    covered = set()
    used = []
    for name, _, sections, check in rules:
        if sections & covered == sections:
            continue
        msg = check(ctx)
        if msg is not None:
            problems.append(("%s: %s" % (name, msg), None))
        covered |= sections
        differs = any(rr_set(getattr(knot, sec)) != rr_set(getattr(hadns, sec))
                      for sec in sections if sec in ("answer", "authority", "additional"))
        used.append((name, differs))

    if "rcode" not in covered and knot.rcode() != hadns.rcode():
        problems.append(("rcode knot %s hadns %s" % (dns.rcode.to_text(knot.rcode()),
                                                      dns.rcode.to_text(hadns.rcode())), None))
    for flag in ("AA", "TC"):
        if flag.lower() in covered:
            continue
        bit = getattr(dns.flags, flag)
        if bool(knot.flags & bit) != bool(hadns.flags & bit):
            problems.append(("%s knot %d hadns %d" % (flag, bool(knot.flags & bit),
                                                      bool(hadns.flags & bit)), None))
    if (knot.edns >= 0) != (hadns.edns >= 0):
        problems.append(("OPT knot %s hadns %s" % (knot.edns >= 0, hadns.edns >= 0), None))
    for section in ("answer", "authority", "additional"):
        if section in covered:
            continue
        k = rr_set(getattr(knot, section))
        h = rr_set(getattr(hadns, section))
        if k != h:
            problems.append(("%s: knot only %s, hadns only %s" % (section, fmt(k - h), fmt(h - k)),
                             None))
    return problems, used


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--answer-pipe", required=True)
    ap.add_argument("--knotd", default="/usr/sbin/knotd")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print("seed %d (rerun with --seed %d)" % (seed, seed))
    rng = random.Random(seed)

    for tool in (args.knotd, args.answer_pipe):
        if not os.access(tool, os.X_OK):
            print("missing executable: %s" % tool)
            return 2

    tmp = tempfile.mkdtemp(prefix="knot_compare.")
    zone_file = os.path.join(tmp, "compare.test.zone")
    with open(zone_file, "w") as f:
        f.write(ZONE)
    target_file = os.path.join(tmp, "target.test.zone")
    with open(target_file, "w") as f:
        f.write(TARGET_ZONE)
    config = os.path.join(tmp, "hadns.yaml")
    with open(config, "w") as f:
        f.write("""server:
  listen: [127.0.0.1:53]
control:
  listen: off
zones:
  - origin: %s
    file: compare.test.zone
  - origin: %s
    file: target.test.zone
""" % (ORIGIN, TARGET_ORIGIN))
    zone = dns.zone.from_text(ZONE, origin=ORIGIN, relativize=False)

    knot = pipe = None
    try:
        try:
            knot = Knot(args.knotd, tmp, zone_file, target_file)
        except RuntimeError as e:
            print(e)
            return 2
        pipe = Pipe(args.answer_pipe, config)

        queries = corpus(rng)
        failures = 0
        allowed_count = {}
        for q in queries:
            try:
                knot_wire = knot.ask(q.wire, q.tcp)
            except OSError as e:
                print("FAIL %s: knotd did not answer: %s" % (q.describe(), e))
                failures += 1
                continue
            hadns_wire = pipe.ask(q.wire, q.tcp)
            try:
                k = parse(knot_wire, "knot")
                h = parse(hadns_wire, "hadns")
            except AssertionError as e:
                print("FAIL %s: %s" % (q.describe(), e))
                failures += 1
                continue
            # The full answer for reference (ANY, truncation).
            k_tcp = k
            if not q.tcp:
                k_tcp = parse(knot.ask(tcp_variant(q), True), "knot")
            problems, used = compare(q, k, h, k_tcp, zone,
                                     knot_ask=lambda wire: knot.ask(wire, True))
            for name, differs in used:
                applied, needed = allowed_count.get(name, (0, 0))
                allowed_count[name] = (applied + 1, needed + (1 if differs and not problems else 0))
                if differs and args.verbose:
                    print("     allowed: %s (%s)" % (name, q.describe()))
            if problems:
                failures += 1
                print("FAIL %s" % q.describe())
                for msg, _ in problems:
                    print("     %s" % msg)
                if args.verbose:
                    print("  knot:\n" + indent(k.to_text() if k else "(dropped)"))
                    print("  hadns:\n" + indent(h.to_text() if h else "(dropped)"))
            elif args.verbose:
                print("ok   %s" % q.describe())

        print("%d queries, %d differ" % (len(queries), failures))
        for name, _, _, check in ALLOWED:
            applied, needed = allowed_count.get(name, (0, 0))
            print("allowed difference: %-68s applied %4d, sections differed %4d" % (
                name, applied, needed))
        if failures:
            print("keeping %s for inspection" % tmp)
            args.keep = True
        return 1 if failures else 0
    finally:
        if pipe is not None:
            rc = pipe.stop()
            if rc not in (0, None):
                print("answer_pipe exited with %d: %s" % (rc, pipe.proc.stderr.read().decode(errors="replace")))
        if knot is not None:
            knot.stop()
        if not args.keep:
            subprocess.run(["rm", "-rf", tmp], check=False)


def tcp_variant(q):
    """The same question over TCP (same EDNS), for the full answer."""
    m = dns.message.make_query(q.text, q.qtype, use_edns=(0 if q.edns else False),
                               payload=q.payload)
    m.id = q.msg.id
    return m.to_wire()


def indent(text):
    return "\n".join("    " + line for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
