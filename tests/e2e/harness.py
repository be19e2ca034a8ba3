"""tests/e2e/harness.py -- shared pieces of the end-to-end tests: a real
hadnsd (started by the one launcher, tests/server/server_harness.py), local
HTTP/TCP backends the tests break and mend, DNS queries with dnspython, and
the control listener's HTTP API.

Every address is loopback; every process started here is stopped by PID.
Run with /usr/bin/python3 (Debian's dnspython).
"""
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

# Ports and polling are shared with the server tests.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "server"))
from server_harness import Hadnsd, free_port, wait_until  # noqa: E402,F401

HADNSD = os.environ.get("HADNSD", "")
HADNSCTL = os.environ.get("HADNSCTL", "")
# Sanitizer builds are several times slower; tests scale their load with it.
SANITIZER = os.environ.get("HADNS_SANITIZE", "")


# --------------------------------------------------------------------------
# DNS

def query(port: int, name: str, rdtype: str = "A", tcp: bool = False, edns: bool = True,
          address: str = "127.0.0.1", source: str = None, timeout: float = 1.0) -> dns.message.Message:
    """One query to the server at address:port, optionally sent from `source`
    (any 127.0.0.0/8 address works on loopback; views select on it)."""
    q = dns.message.make_query(name, rdtype, use_edns=0 if edns else False)
    if tcp:
        return dns.query.tcp(q, address, port=port, timeout=timeout, source=source)
    return dns.query.udp(q, address, port=port, timeout=timeout, source=source)


def answers(port: int, name: str, rdtype: str = "A", **kw) -> list:
    """The rdata strings of the answer section (sorted), or ['RCODE'] if not NOERROR."""
    try:
        r = query(port, name, rdtype, **kw)
    except Exception as e:  # timeout: say so in assertions
        return [f"error: {type(e).__name__}"]
    if r.rcode() != dns.rcode.NOERROR:
        return [dns.rcode.to_text(r.rcode())]
    out = []
    for rrset in r.answer:
        if rrset.rdtype == dns.rdatatype.from_text(rdtype):
            out.extend(rd.to_text() for rd in rrset)
    return sorted(out)


# --------------------------------------------------------------------------
# hadnsd

class Daemon(Hadnsd):
    """A real hadnsd (the shared launcher, tests/server/server_harness.py) with
    the control listener's API and DNS queries at hand."""

    # control listener -----------------------------------------------------
    def http(self, method: str, path: str, body=None, token: str = None):
        """(status, parsed JSON or text) of a control request."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.control_port}{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        text = raw.decode(errors="replace")
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def status(self) -> dict:
        code, body = self.http("GET", "/status")
        assert code == 200, (code, body)
        return body

    def override(self, check: str, state: str, for_: str = None, token: str = None):
        body = {"state": state}
        if for_:
            body["for"] = for_
        return self.http("POST", f"/checks/{check}/override", body, token)

    def record(self, name: str) -> dict:
        for r in self.status()["records"]:
            if r["name"].rstrip(".") == name.rstrip("."):
                return r
        raise AssertionError(f"no failover record {name} in /status")

    def answers(self, name: str, rdtype: str = "A", **kw) -> list:
        return answers(self.port, name, rdtype, **kw)


# --------------------------------------------------------------------------
# backends

class HttpBackend:
    """An HTTP server on ADDRESS:port answering /health with a settable status
    and body; `hang` makes it accept and never answer; stop() makes
    connections fail (refused)."""

    def __init__(self, address: str = "127.0.0.1", port: int = 0, tls_context: ssl.SSLContext = None):
        self.status_code = 200
        self.body = b"OK"
        self.hang = False
        self.hits = 0
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                backend.hits += 1
                if backend.hang:
                    time.sleep(30)
                    return
                self.send_response(backend.status_code)
                self.send_header("Content-Length", str(len(backend.body)))
                self.end_headers()
                self.wfile.write(backend.body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((address, port), Handler)
        self.server.daemon_threads = True
        if tls_context is not None:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.address, self.port = self.server.server_address[:2]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def self_signed_context(directory: str) -> ssl.SSLContext:
    """A TLS server context with a fresh self-signed certificate (openssl)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=backend.test", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


ZONE = """$ORIGIN demo.test.
$TTL 300
@       IN SOA ns1.demo.test. hostmaster.demo.test. 1 3600 600 86400 60
@       IN NS  ns1.demo.test.
ns1     IN A   127.0.0.1
www     IN A   192.0.2.10
alias   IN CNAME app.demo.test.
"""
