"""`dossier bench migration`: documents per minute of a migration of
generated scans, with 1, 2… `dossier worker` processes on Redis.

Each worker count gets a fresh home and Redis namespace; the rate is
measured in the ledger, from the first document taken to the last one
finished, so the workers' start-up is not counted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from archive.db import make_engine
from archive.models import Document
from config.settings import Settings

SCAN_QUALITIES = ("clean", "office", "rough", "scanned_pdf")
PER_FOLDER = 50


@dataclass(frozen=True)
class MigrationBench:
    count: int
    workers: list[int]
    out: Path | None
    seed: int


def run_bench(bench: MigrationBench, settings: Settings, echo: Callable[[str], None]
              ) -> dict[str, Any]:
    tree = bench.out or Path(tempfile.mkdtemp(prefix="dossier-bench-migration-"))
    echo(f"generating {bench.count} scans under {tree} …")
    generate_tree(tree, bench.count, bench.seed)
    results: dict[str, Any] = {"scans": bench.count, "runs": []}
    for workers in bench.workers:
        figures = _one_run(settings, tree, workers)
        results["runs"].append(figures)
        echo(f"{workers} worker process(es): {figures['documents']} documents in "
             f"{figures['seconds']:.0f} s = {figures['per_minute']:.1f} documents/minute "
             f"({figures['states']})")
    if bench.out is None:
        shutil.rmtree(tree, ignore_errors=True)
    return results


def generate_tree(tree: Path, count: int, seed: int) -> None:
    """`count` scans in nested folders (year/branch), without truth files."""
    chunks = [(tree / f"{2010 + i // 4}" / f"branch-{i % 4:02d}", min(PER_FOLDER,
               count - i * PER_FOLDER), seed * 1000 + i)
              for i in range((count + PER_FOLDER - 1) // PER_FOLDER)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_generate_chunk, chunks))


def _generate_chunk(chunk: tuple[Path, int, int]) -> None:
    from samplegen import generate

    folder, count, seed = chunk
    for truth in [p for p in generate(count, seed, folder, qualities=SCAN_QUALITIES)]:
        truth.with_name(truth.stem + ".truth.json").unlink(missing_ok=True)


def _one_run(settings: Settings, tree: Path, workers: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"dossier-bench-{workers}w-"))
    env = _environment(settings, home)
    dossier = [sys.executable, "-m", "cli.main"]
    subprocess.run([*dossier, "db", "upgrade"], env=env, check=True, capture_output=True)
    with open(home / "worker.log", "wb") as log:
        worker = subprocess.Popen([*dossier, "worker", "--processes", str(workers),
                                   "--threads", "1"], env=env, stdout=log, stderr=log,
                                  start_new_session=True)
        try:
            subprocess.run([*dossier, "migrate", str(tree), "--channel", "bench", "--quiet"],
                           env=env, check=False, capture_output=True)
        finally:
            os.killpg(worker.pid, 15)
            worker.wait(60)
    figures = _figures(env["DOSSIER_DATABASE_URL"])
    shutil.rmtree(home, ignore_errors=True)
    return {"workers": workers, **figures}


def _environment(settings: Settings, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")}
    env.update({"DOSSIER_HOME": str(home), "OMP_THREAD_LIMIT": "1",
                "DOSSIER_BROKER_URL": str(settings.broker_url),
                "DOSSIER_BROKER_NAMESPACE": f"bench-{uuid.uuid4().hex[:8]}",
                "DOSSIER_DATABASE_URL": f"sqlite:///{home / 'dossier.db'}",
                "DOSSIER_LOG_LEVEL": "WARNING"})
    return env


def _figures(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            first, last, n = conn.execute(select(
                func.min(Document.created_at), func.max(Document.updated_at),
                func.count())).one()
            states = {state: count for state, count in conn.execute(
                select(Document.state, func.count()).group_by(Document.state))}
    finally:
        engine.dispose()
    seconds = max((last - first).total_seconds(), 1e-6) if n else 0.0
    return {"documents": n, "seconds": round(seconds, 1),
            "per_minute": round(n / seconds * 60, 1) if seconds else 0.0, "states": states,
            "measured_at": time.strftime("%Y-%m-%d %H:%M")}
