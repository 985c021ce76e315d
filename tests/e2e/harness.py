"""Start real `dossier` processes, drop files, wait for the ledger."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DOSSIER = str(Path(sys.executable).parent / "dossier")


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update({
        "DOSSIER_HOME": str(home),
        "DOSSIER_INBOX__STABLE_SECONDS": "0.5",
        "DOSSIER_INBOX__RESCAN_SECONDS": "1",
        "OMP_THREAD_LIMIT": "1",
        # Dramatiq's metrics server wants one fixed port per host; tests that
        # start several workers at once would fight over it.
        "DOSSIER_METRICS__DRAMATIQ": "false",
        **extra,
    })
    return env


@contextmanager
def running(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A dossier process for the duration of the block, stopped with SIGTERM."""
    with log.open("wb") as out:
        proc = subprocess.Popen([DOSSIER, *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            yield proc
        except BaseException:
            # A failing test shows what the process said: the first thing
            # anyone needs when a run on another machine goes red.
            out.flush()
            print(f"--- {' '.join(args)} (exit {proc.poll()}) ---\n"
                  f"{log.read_text(errors='replace')[-6000:]}")
            raise
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DOSSIER, *args], env=env, capture_output=True, text=True, timeout=120)


def status(env: dict[str, str]) -> dict[str, Any] | None:
    done = cli(["status", "--json"], env)
    if done.returncode != 0:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def wait_for(env: dict[str, str], documents: int, timeout: float, log: Path) -> dict[str, Any]:
    """Poll until `documents` documents exist and none is still in flight."""
    deadline = time.monotonic() + timeout
    st: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        st = status(env)
        if st and _settled(st, documents):
            return st
        time.sleep(1)
    raise AssertionError(f"not settled after {timeout}s: {st}\n--- log ---\n"
                         f"{log.read_text(errors='replace')[-4000:]}")


def _settled(st: dict[str, Any], documents: int) -> bool:
    states = st["states"]
    in_flight = states["received"] + states["processing"]
    return sum(states.values()) >= documents and in_flight == 0


def drop(files: list[Path], channel_dir: Path) -> None:
    """Copy like a scanner share would: write a temp name, then rename."""
    channel_dir.mkdir(parents=True, exist_ok=True)
    for f in files:
        part = channel_dir / (f.name + ".part")
        shutil.copyfile(f, part)
        part.rename(channel_dir / f.name)
