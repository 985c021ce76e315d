"""Real Redis and PostgreSQL for the tests.

CI has both on 127.0.0.1 already; on a machine without them, throwaway
instances are started from the installed server binaries (the Makefile
installs the packages) and removed at the end of the session.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until(check, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError("service did not come up in time")


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """The machine's Redis if it answers, else a throwaway one."""
    url = os.environ.get("DOSSIER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if redis_answers(url):
        yield url
        return
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until(lambda: redis_answers(url))
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def postgres_answers(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def postgres_server(workdir: Path) -> Iterator[str]:
    """A DSN to an admin database of the machine's PostgreSQL if it
    answers, else of a throwaway cluster."""
    for dsn in _candidate_dsns():
        if postgres_answers(dsn):
            yield dsn
            return
    with _throwaway_cluster(workdir) as dsn:
        yield dsn


def _candidate_dsns() -> list[str]:
    env = os.environ.get("DOSSIER_TEST_POSTGRES_DSN")
    if env:
        return [env]
    return [f"postgresql://{user}@127.0.0.1:5432/{db}"
            for user in ("postgres", "root") for db in ("test", "postgres")]


@contextlib.contextmanager
def _throwaway_cluster(_workdir: Path) -> Iterator[str]:
    # Its own folder directly under /tmp: pytest's temp folders are private
    # to root, and the server runs as `postgres` when we are root.
    workdir = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
    bindir = _postgres_bindir()
    data, port = workdir / "pgdata", free_port()
    data.mkdir(parents=True, exist_ok=True)
    as_user = _demote_to_postgres(workdir)
    run = lambda *args: subprocess.run(  # noqa: E731
        [*as_user, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    run(f"{bindir}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    opts = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(f"{bindir}/pg_ctl", "-D", str(data), "-o", opts, "-w", "-l", str(workdir / "pg.log"),
        "start")
    dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        _wait_until(lambda: postgres_answers(dsn))
        yield dsn
    finally:
        run(f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


def _postgres_bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return str(Path(found[-1]).parent)
    initdb = shutil.which("initdb")
    if initdb:
        return str(Path(initdb).parent)
    raise RuntimeError("PostgreSQL server binaries not found: run `make test` to install them")


def _demote_to_postgres(workdir: Path) -> list[str]:
    """initdb refuses to run as root: run the server as `postgres`."""
    if os.geteuid() != 0:
        return []
    user = pwd.getpwnam("postgres")
    for path in [workdir, *workdir.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(workdir, 0o700)
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def fresh_database(admin_dsn: str) -> Iterator[str]:
    """A new, empty database for one test; dropped afterwards."""
    name = f"dossier_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_dsn.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
