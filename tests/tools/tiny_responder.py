"""tests/tools/tiny_responder.py -- a minimal UDP DNS responder for tests of
the load generator: every query is answered at once, echoing its ID and
question with QR and AA set and rcode NOERROR (no records)."""

import socket
import threading


class TinyResponder:
    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind((host, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.answered = 0
        self.clients = {}  # source address -> queries answered
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            if len(data) < 12 or data[2] & 0x80:
                continue
            reply = bytearray(data)
            reply[2] = 0x80 | 0x04 | (data[2] & 0x79)  # QR, AA, keep opcode and RD
            reply[3] = 0x00                            # NOERROR
            self.sock.sendto(bytes(reply), addr)
            self.answered += 1
            self.clients[addr] = self.clients.get(addr, 0) + 1

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()
