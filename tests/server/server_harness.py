"""tests/server/server_harness.py -- shared pieces of every end-to-end suite
(tests/server and tests/e2e): free ports, a test zone, and the one launcher
of a real hadnsd (Hadnsd), started on a config written into its own temp
dir and stopped by PID.

Readiness is the "serving" log line of this start (the log file is kept
across restarts). The server suite's Server listens on 127.0.0.1 and ::1
with the control listener off unless a test turns it on. Run with
/usr/bin/python3 (Debian's dnspython).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HADNSD = os.environ.get("HADNSD", "")
SANITIZER = os.environ.get("HADNS_SANITIZE", "")

# 20 TXT records of ~200 bytes: about 4 KB, more than any UDP limit here.
BIG_TXT = "\n".join(f'big      IN TXT  "{i:02d}{"x" * 200}"' for i in range(20))

ZONE = f"""$ORIGIN demo.test.
$TTL 300
@        IN SOA  ns1.demo.test. hostmaster.demo.test. 2024010101 3600 600 604800 60
         IN NS   ns1.demo.test.
         IN MX   10 mail.demo.test.
ns1      IN A    127.0.0.1
www      IN A    127.0.0.10
www      IN AAAA ::10
web      IN CNAME www.demo.test.
mail     IN A    127.0.0.25
sub      IN NS   ns.sub.demo.test.
ns.sub   IN A    127.0.0.53
{BIG_TXT}
"""

CONFIG = """server:
  listen: [127.0.0.1:@PORT@, "[::1]:@PORT@"]
  shards: @SHARDS@
  tcp_idle_timeout: @IDLE@
  tcp_max_connections: @MAXCONN@
control:
  listen: off
zones:
  - origin: demo.test.
    file: demo.test.zone
"""


def free_port() -> int:
    """A port free for UDP and TCP on both 127.0.0.1 and ::1 right now."""
    while True:
        socks = []
        try:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(t)
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            for fam, addr, kind in ((socket.AF_INET, "127.0.0.1", socket.SOCK_DGRAM),
                                    (socket.AF_INET6, "::1", socket.SOCK_DGRAM),
                                    (socket.AF_INET6, "::1", socket.SOCK_STREAM)):
                s = socket.socket(fam, kind)
                socks.append(s)
                s.bind((addr, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()


def wait_until(predicate, timeout: float, step: float = 0.02):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


class Hadnsd:
    """A real hadnsd on `config_text` (with @PORT@ and @CONTROL@ replaced by
    free ports) and `files`, in its own temp dir. The one launcher every
    end-to-end suite uses; suites subclass it for their own conveniences."""

    def __init__(self, config_text: str, files: dict = None, port: int = None, control_port: int = None,
                 start: bool = True, extra_args=(), env: dict = None, prefix: str = "hadns-"):
        assert HADNSD, "HADNSD (the hadnsd binary) is not set"
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.port = port or free_port()
        self.control_port = control_port or free_port()
        self.config_path = os.path.join(self.dir, "hadns.yaml")
        self.log_path = os.path.join(self.dir, "hadnsd.log")
        self.proc = None
        self.returncode = None
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        self._log_start = 0
        for name, text in (files or {}).items():
            self.write(name, text)
        self.write_config(config_text)
        if start:
            self.start()

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def write_config(self, text: str) -> None:
        self.write("hadns.yaml", text.replace("@PORT@", str(self.port))
                   .replace("@CONTROL@", str(self.control_port)))

    def start(self, wait: bool = True) -> None:
        self._log_start = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([HADNSD, "--config", self.config_path, *self.extra_args],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        if wait and not wait_until(self._ready, 30, 0.02):
            self.stop(check=False)
            raise AssertionError("hadnsd did not start:\n" + self.log_text())

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"hadnsd exited with {self.proc.returncode}:\n" + self.log_text())
        # Only this start's lines: a restart appends to the same log.
        return re.search(r" hadnsd info: serving$", self.log_text()[self._log_start:], re.M) is not None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig) -> None:
        self.proc.send_signal(sig)

    def sighup(self) -> None:
        self.signal(signal.SIGHUP)

    def stop(self, check: bool = True, timeout: float = 10) -> int:
        """SIGTERM by PID; returns the exit status (non-zero raises if `check`)."""
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        self.proc = None
        self.log.close()
        if check and self.returncode != 0:
            raise AssertionError(f"hadnsd exited with {self.returncode}:\n" + self.log_text())
        return self.returncode

    def wait_exit(self, timeout: float = 10) -> int:
        """Waits for a server that exits on its own; returns its status."""
        self.returncode = self.proc.wait(timeout=timeout)
        self.proc = None
        self.log.close()
        return self.returncode

    def log_text(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def shard_counters(self) -> dict:
        """{shard: {counter: value}} from the shutdown log line."""
        out = {}
        for line in self.log_text().splitlines():
            if "shard counters:" not in line:
                continue
            for m in re.finditer(r"\[shard=(\d+) cpu=-?\d+ ([^\]]*)\]", line):
                out[int(m.group(1))] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
        return out

    def cleanup(self):
        """Stops without judging the exit status and removes the temp dir."""
        if self.proc is not None:
            self.stop(check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # A clean run must also stop cleanly; a failed one keeps its dir
        # (config, log) for a look.
        self.stop(check=exc[0] is None)
        if exc[0] is None:
            shutil.rmtree(self.dir, ignore_errors=True)


class Server(Hadnsd):
    """The server suite's hadnsd: CONFIG (or `config`) with its shard count,
    TCP idle timeout and connection limit filled in, serving `zone`."""

    def __init__(self, shards=1, idle="10s", max_connections=100, config=None, zone=ZONE,
                 port=None, start=True):
        text = config if config is not None else CONFIG
        text = (text.replace("@SHARDS@", str(shards)).replace("@IDLE@", idle)
                .replace("@MAXCONN@", str(max_connections)))
        super().__init__(text, files={"demo.test.zone": zone}, port=port, start=start,
                         prefix="hadns-server-")

    def __exit__(self, *exc):
        self.cleanup()


def run_hadnsd(args, timeout=30):
    """Runs hadnsd to completion: (exit status, stdout + stderr)."""
    r = subprocess.run([HADNSD, *args], capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stdout + r.stderr
