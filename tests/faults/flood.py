"""The flood run (not part of `make test`):

    .venv/bin/python -m tests.faults.flood [--count 1000] [--scans 50]

Generates `count` forms (`scans` of them scans that need OCR, the rest
digital PDFs), drops them at once into three channels, with `dossier watch`
and two `dossier worker` processes on a throwaway Redis and a fresh
PostgreSQL database; SIGKILLs a worker in the middle of its work twice
(each restarted, as systemd would). At the end every file must be
accounted for exactly once and `dossier audit verify` must pass. Prints
the counts and the wall time; exit 1 on any discrepancy.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS.parent)]

from e2e.harness import cli, environment, running  # noqa: E402
from faults.rig import (  # noqa: E402
    FAST,
    Ledger,
    assert_exactly_once,
    children,
    kill,
    throwaway_redis,
    wait_until,
)
from services import fresh_database, postgres_server  # noqa: E402

CHANNELS = ("branch-north", "branch-south", "branch-east")


def _generate(args: tuple[int, int, str, str]) -> list[str]:
    from samplegen import generate

    count, seed, out, quality = args
    for attempt in range(5):  # the generator rejects a few seeds (an unlucky person)
        try:
            return [str(p) for p in generate(count, seed + 100_000 * attempt, Path(out),
                                             qualities=[quality],
                                             reference_date=dt.date(2026, 11, 1))]
        except AssertionError:
            continue
    raise RuntimeError(f"could not generate batch {seed}")


def make_forms(count: int, scans: int, out: Path) -> list[Path]:
    jobs, digital = [], count - scans
    for i, (n, quality) in enumerate(_split(digital, "digital", 20) + _split(scans, "clean", 4)):
        jobs.append((n, 7000 + i, str(out / f"{quality}-{i}"), quality))
    with ProcessPoolExecutor(2) as pool:
        return [Path(p) for batch in pool.map(_generate, jobs) for p in batch]


def _split(n: int, quality: str, parts: int = 4) -> list[tuple[int, str]]:
    return [(n // parts + (1 if i < n % parts else 0), quality) for i in range(parts)
            if n // parts + (1 if i < n % parts else 0)]


def drop_all(forms: list[Path], inbox: Path) -> None:
    """Staged next to the inbox, then renamed in: all arrive at once."""
    staging = inbox.parent / "staging"
    for i, form in enumerate(forms):
        channel = CHANNELS[i % len(CHANNELS)]
        (staging / channel).mkdir(parents=True, exist_ok=True)
        (staging / channel / form.name).write_bytes(form.read_bytes())
    for channel in CHANNELS:
        (inbox / channel).mkdir(parents=True, exist_ok=True)
        for f in (staging / channel).iterdir():
            f.rename(inbox / channel / f.name)


class Workers:
    """Two `dossier worker` processes, restarted after each kill."""

    def __init__(self, env: dict[str, str], logs: Path, stack: contextlib.ExitStack) -> None:
        self.env, self.logs, self.stack = env, logs, stack
        self.procs = [self._start(i) for i in range(2)]
        self.kills = 0

    def _start(self, i: int):  # type: ignore[no-untyped-def]
        log = self.logs / f"worker{i}-{time.monotonic_ns()}.log"
        return self.stack.enter_context(running(["worker", "--processes", "1"], self.env, log))

    def kill_one(self, i: int) -> None:
        for child in children(self.procs[i].pid):
            kill(child)  # SIGKILL mid-document: its message is not acked
        self.procs[i].wait(30)
        self.kills += 1
        self.procs[i] = self._start(i)


@contextlib.contextmanager
def database(workdir: Path) -> Iterator[str]:
    with postgres_server(workdir) as admin, fresh_database(admin) as url:
        yield url


def run(count: int, scans: int, workdir: Path) -> int:
    print(f"generating {count} forms ({scans} scans, {count - scans} digital PDFs)…", flush=True)
    forms = make_forms(count, scans, workdir / "forms")
    home = workdir / "home"
    with contextlib.ExitStack() as stack:
        redis = stack.enter_context(throwaway_redis(workdir))
        db_url = stack.enter_context(database(workdir))
        env = environment(home, DOSSIER_BROKER_URL=redis.url, DOSSIER_DATABASE_URL=db_url,
                          DOSSIER_BROKER_NAMESPACE=f"flood-{uuid.uuid4().hex[:6]}",
                          **{**FAST, "DOSSIER_LOG_LEVEL": "WARNING"})
        assert cli(["db", "upgrade"], env).returncode == 0
        ledger = Ledger(db_url)
        stack.callback(ledger.close)
        stack.enter_context(running(["watch"], env, workdir / "watch.log"))
        workers = Workers(env, workdir, stack)
        started = time.monotonic()
        drop_all(forms, home / "inbox")
        print(f"dropped {len(forms)} files into {len(CHANNELS)} channels", flush=True)
        for fraction, which in ((0.25, 0), (0.6, 1)):
            wait_until(lambda f=fraction: _finished(ledger) >= f * count, 3600, "stalled", 2)
            workers.kill_one(which)
            print(f"killed worker {which} at {_finished(ledger)} finished", flush=True)
        wait_until(lambda: ledger.settled(count), 3600, "did not settle", 2)
        wall = time.monotonic() - started
        return report(ledger, env, count, wall, workers.kills, home)


def _finished(ledger: Ledger) -> int:
    st = ledger.states()
    return sum(st.values()) - st.get("received", 0) - st.get("processing", 0)


def report(ledger: Ledger, env: dict[str, str], count: int, wall: float, kills: int,
           home: Path) -> int:
    assert_exactly_once(ledger, count)
    status = cli(["status", "--json"], env)
    verify = cli(["audit", "verify"], env)
    st = json.loads(status.stdout)
    left = [p for p in (home / "inbox").rglob("*") if p.is_file()]
    twice = ledger.rows("SELECT count(*) FROM documents WHERE attempts > 1")[0][0]
    print(json.dumps({"files": count, "states": st["states"], "duplicates": st["duplicates"],
                      "drops": ledger.count("drops"), "records": ledger.count("applications"),
                      "reconciled": st["reconciliation"]["ok"], "left_in_inbox": len(left),
                      "worker_kills": kills, "documents_started_twice": twice,
                      "wall_seconds": round(wall, 1),
                      "per_minute": round(count / wall * 60, 1)}, indent=1))
    print(verify.stdout.strip() or verify.stderr.strip())
    ok = (status.returncode == 0 and verify.returncode == 0 and not left
          and ledger.count("drops") == count)
    print("FLOOD OK" if ok else "FLOOD FAILED")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--scans", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="dossier-flood-"))
    print(f"work folder {workdir}", flush=True)
    try:
        code = run(args.count, args.scans, workdir)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
