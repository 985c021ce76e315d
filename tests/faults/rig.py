"""What the fault tests need around real `dossier` processes: a Redis the
test can stop and start, a TCP proxy that cuts PostgreSQL off, finding a
worker's children, and watching the ledger directly (faster than the CLI).

Everything listens on 127.0.0.1 only and is stopped by its context
manager, even when the test fails.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from services import free_port, redis_answers
from sqlalchemy import Engine, create_engine, text

FAST = {
    "DOSSIER_WORKER__HEARTBEAT_TIMEOUT_SECONDS": "3",
    "DOSSIER_WORKER__MAINTENANCE_CHANCE": "250000",
    "DOSSIER_WORKER__MIN_BACKOFF_MS": "200",
    "DOSSIER_WORKER__MAX_BACKOFF_MS": "2000",
    "DOSSIER_WORKER__MAX_RETRIES": "40",
    "DOSSIER_LOG_LEVEL": "INFO",
}


class ThrowawayRedis:
    """A redis-server of our own on a free port (never the shared 6379),
    without persistence: a restart loses every queued message, the worst
    case for the ledger to recover from."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: redis_answers(self.url), 20, "redis did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None


@contextlib.contextmanager
def throwaway_redis(workdir: Path) -> Iterator[ThrowawayRedis]:
    server = ThrowawayRedis(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class TcpProxy:
    """127.0.0.1:<port> → target. `cut()` closes the listener and every
    connection (the database is unreachable); `restore()` listens again
    on the same port."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def restore(self) -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        self._listener, self._stop = sock, threading.Event()
        threading.Thread(target=self._accept, args=(sock, self._stop), daemon=True).start()

    def cut(self) -> None:
        self._stop.set()
        with self._lock:
            for s in [*self._conns, *([self._listener] if self._listener else [])]:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._conns, self._listener = [], None

    def _accept(self, sock: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _ = sock.accept()
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                return
            with self._lock:
                self._conns += [client, upstream]
            threading.Thread(target=_pump, args=(client, upstream), daemon=True).start()


def _pump(a: socket.socket, b: socket.socket) -> None:
    sel = selectors.DefaultSelector()
    sel.register(a, selectors.EVENT_READ, b)
    sel.register(b, selectors.EVENT_READ, a)
    try:
        while True:
            for key, _ in sel.select(timeout=1):
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                if not data:
                    return
                key.data.sendall(data)
    except (OSError, ValueError):
        return
    finally:
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.close()


def wait_until(check: Callable[[], Any], seconds: float, what: str, every: float = 0.3) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"{what} (after {seconds:g} s)")


def children(pid: int) -> list[int]:
    """Children of every thread of `pid` (a worker thread starts Tesseract)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    out = []
    for child in children(pid):
        out += [child, *descendants(child)]
    return out


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def processes_matching(marker: str) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and marker in command_of(int(p.name))]


def kill(pid: int, sig: signal.Signals = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


class Ledger:
    """Read-only looks at the database the processes share."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def states(self) -> dict[str, int]:
        return dict(self.rows("SELECT state, count(*) FROM documents GROUP BY state"))  # type: ignore[arg-type]

    def settled(self, documents: int) -> bool:
        try:
            st = self.states()
        except Exception:
            return False
        busy = st.get("received", 0) + st.get("processing", 0)
        return sum(st.values()) >= documents and busy == 0

    def count(self, table: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {table}")[0][0])

    def close(self) -> None:
        self.engine.dispose()


def assert_exactly_once(ledger: Ledger, documents: int) -> None:
    """Every document finished, once: one record per archived/review
    document, one outcome entry in the audit chain per document."""
    st = ledger.states()
    assert sum(st.values()) == documents, st
    assert st.get("received", 0) == st.get("processing", 0) == 0, st
    with_record = st.get("archived", 0) + st.get("review", 0)
    assert ledger.count("applications") == with_record
    outcomes = ledger.rows(
        "SELECT document_id, count(*) FROM audit_entries WHERE action IN "
        "('archived', 'review', 'quarantined', 'failed') GROUP BY document_id")
    assert len(outcomes) == documents and all(n == 1 for _, n in outcomes), outcomes
