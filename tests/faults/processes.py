"""Servers the fault tests start for themselves, each with a pidfile, each stopped by its PID:
a private redis-server (never the machine's on 6379), gunicorn, and a TCP proxy that can cut
the line to PostgreSQL without touching PostgreSQL itself (other runs share it)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise TimeoutError(f"timed out waiting for {what}")


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs. A child of this process that has exited stays a zombie until
    its ``Popen`` reaps it, and ``os.kill(pid, 0)`` succeeds on a zombie: waiting on that alone
    took every stop its whole timeout (20 s a gunicorn or moto server)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):  # gone, or reaped while being read
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _stop_pidfile(pidfile: Path, *, timeout: float = 20) -> None:
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text().strip() or 0)
    if pid <= 0:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running(pid):
            break
        time.sleep(0.05)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)


class PrivateRedis:
    """``redis-server`` on a free loopback port, daemonized with a pidfile in ``folder``."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.pidfile = folder / f"redis-{self.port}.pid"
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--dir",
                str(self.folder),
                "--logfile",
                str(self.folder / f"redis-{self.port}.log"),
            ],
            check=True,
        )
        wait_until(self._answers, what="redis-server to answer")

    def stop(self) -> None:
        _stop_pidfile(self.pidfile)
        wait_until(lambda: not self._answers(), what="redis-server to stop")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class CuttableProxy:
    """A loopback TCP proxy (threads) in front of ``upstream``. ``cut()`` closes every
    connection and refuses new ones, as a restarting server does; ``restore()`` listens again."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream, self.port = upstream, free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    restore = start

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = self._sockets, set()
        if listener:
            listener.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    stop = cut

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._sockets |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class Gunicorn:
    """The real web process (production WSGI app, test settings) with a pidfile; with
    ``config``, gunicorn's configuration file under the flags given here (one worker, its port)."""

    def __init__(self, folder: Path, env: dict[str, str], *, config: Path | None = None):
        self.port, self.pidfile = free_port(), folder / "gunicorn.pid"
        self.logfile = folder / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                *(("-c", str(config)) if config else ()),
                "shuangchuang.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "30",
                "--pid",
                str(self.pidfile),
            ],
            cwd=ROOT,
            env=env,
            stdout=open(self.logfile, "wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: self._up(), timeout=60, what="gunicorn to serve")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, dict]:
        request = urllib.request.Request(self.url(path), headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def stop(self) -> None:
        _stop_pidfile(self.pidfile)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + self.logfile.read_text(errors="replace"))
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False
