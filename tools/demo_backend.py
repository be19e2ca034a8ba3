#!/usr/bin/python3
"""tools/demo_backend.py -- a tiny HTTP backend standing for one region.

Serves /health ("OK") and / (a page naming the region) on ADDRESS:PORT until
it is stopped. The demo starts one for the primary and one for the secondary
and stops the primary to show the failover.
"""
import http.server
import sys


def main() -> None:
    address, port, region = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"OK\n" if self.path == "/health" else f"hello from {region}\n".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # one line per probe would drown the demo
            pass

    server = http.server.ThreadingHTTPServer((address, port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
