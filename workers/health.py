"""Health checks for the bank's monitoring: broker, database, Tesseract, disk.

Plain functions, so that `dossier health` and the workspace's `/healthz`
share them: `health_report(rt)` returns a JSON-ready dict whose `ok` is
True only when every check passed. Each check runs with a time limit (a
hung dependency must make the report fail, not hang it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text

from workers.runtime import Runtime

CHECK_SECONDS = 5.0
LANGUAGES = ("eng", "chi_sim")


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    ms: float = 0.0


def check_database(rt: Runtime) -> Check:
    with rt.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return Check(True, rt.engine.dialect.name)


def check_broker(rt: Runtime) -> Check:
    url = rt.settings.broker_url
    if not url:
        return Check(True, "embedded (in-process broker)")
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
        queued = client.llen(f"{rt.settings.broker_namespace}:documents")
    finally:
        client.close()
    return Check(True, f"redis answers; {queued} message(s) queued")


def check_tesseract(rt: Runtime) -> Check:
    done = subprocess.run([rt.settings.tesseract_cmd, "--list-langs"], capture_output=True,
                          text=True, timeout=CHECK_SECONDS, check=False)
    langs = set(done.stdout.split())
    missing = [lang for lang in LANGUAGES if lang not in langs]
    if done.returncode != 0 or missing:
        return Check(False, f"tesseract exit {done.returncode}, missing: {missing or 'none'}")
    return Check(True, "tesseract with " + ", ".join(LANGUAGES))


def check_disk(rt: Runtime) -> Check:
    """Free space under home, and that the store takes a write."""
    home = rt.settings.home
    free_mb = shutil.disk_usage(home).free // (1024 * 1024)
    probe = rt.settings.store_dir / f".health.{os.getpid()}.{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"ok")
    except OSError as exc:
        return Check(False, f"store not writable: {exc.strerror or exc}; {free_mb} MiB free")
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    wanted = rt.settings.limits.min_free_disk_mb
    return Check(free_mb >= wanted, f"{free_mb} MiB free under {home} (need {wanted})")


CHECKS: dict[str, Callable[[Runtime], Check]] = {
    "database": check_database,
    "broker": check_broker,
    "tesseract": check_tesseract,
    "disk": check_disk,
}


def health_report(rt: Runtime) -> dict[str, Any]:
    """Every check, each bounded by CHECK_SECONDS; `ok` when all pass."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="health")
    started = time.monotonic()
    futures = {name: pool.submit(_timed, check, rt) for name, check in CHECKS.items()}
    results = {name: _outcome(f, started) for name, f in futures.items()}
    pool.shutdown(wait=False)  # a hung check is abandoned, not waited for
    return {
        "ok": all(r.ok for r in results.values()),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "checks": {name: asdict(r) for name, r in results.items()},
    }


def _timed(check: Callable[[Runtime], Check], rt: Runtime) -> Check:
    started = time.monotonic()
    try:
        result = check(rt)
    except Exception as exc:  # any failure of a dependency is "unhealthy", with why
        result = Check(False, f"{type(exc).__name__}: {str(exc).strip()[:300]}")
    return Check(result.ok, result.detail, round((time.monotonic() - started) * 1000, 1))


def _outcome(future: Any, started: float) -> Check:
    remaining = max(0.1, CHECK_SECONDS - (time.monotonic() - started))
    try:
        result: Check = future.result(timeout=remaining)
    except FutureTimeout:
        return Check(False, f"no answer within {CHECK_SECONDS:g} s", CHECK_SECONDS * 1000)
    return result
