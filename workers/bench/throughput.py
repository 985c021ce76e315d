"""`dossier bench throughput DIR`: how fast the full pipeline is, as ratios
against raw Tesseract measured in the same run on the same pages.

Three phases, each in fresh worker processes (spawned, as the workers are)
over a fresh home (SQLite, encrypted store, audit chain):

1. **One worker, one core, page by page.** For every file: the raw
   baseline `tesseract PAGE - -l chi_sim+eng` (OMP_THREAD_LIMIT=1) on the
   same page, then the full pipeline: store the file, record the drop,
   enqueue it on a Dramatiq broker, a worker thread takes it, extracts,
   validates, posts to the archive with its audit entries. The two run in
   turn, so a busy machine slows both alike. The pipeline's own stage
   histograms (`dossier_stage_seconds`) split each document's time into
   reading (extract + validate) and everything else (the overhead: queue,
   hashing, encryption, database, audit, storage).
2. **One worker process** over the scans alone, then **two**, on a fresh
   home each: documents per minute, from the first document started to the
   last finished (model loading is excluded in both).
3. The accuracy figures of the same set, from what phase 1 archived, so
   that a speed-up which costs accuracy shows.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2

from workers.bench.cases import Case, judging_date, load_cases
from workers.bench.metrics import Figures, compute, median, percentile
from workers.bench.run import CaseResult, FieldResult

Echo = Callable[[str], None]
RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
BASELINE_LANG = "chi_sim+eng"


@dataclass(frozen=True)
class ThroughputRun:
    folder: Path
    limit: int | None = None  # first N files only (the smoke test's tiny set)
    scaling: bool = True  # phase 2: one vs two worker processes


@dataclass(frozen=True)
class PageTiming:
    """One document of phase 1."""

    file: str
    quality: str
    kind: str  # scan | digital | quarantined
    baseline_s: float | None  # raw Tesseract on the same page (scans only)
    total_s: float  # intake to archive, through the broker
    reading_s: float  # extract + validate, from the stage histograms
    result: CaseResult


@dataclass
class Throughput:
    pages: list[PageTiming] = field(default_factory=list)
    memory: list[Memory] = field(default_factory=list)  # one per worker process measured
    per_minute: dict[int, float] = field(default_factory=dict)
    accuracy: Figures | None = None


# --- phase 1: one worker, page by page ---------------------------------


def _phase_one(cases: list[Case], today: dt.date, home: Path) -> tuple[list[PageTiming], float]:
    """Runs in its own spawned process: the worker under measurement."""
    from workers.bench import worker as bench_worker

    worker = bench_worker.start(home, today)
    try:
        timings = [_time_one(worker, case, home) for case in cases]
    finally:
        worker.stop()
    return timings, _memory()


def _time_one(worker: Any, case: Case, home: Path) -> PageTiming:
    baseline = _baseline_seconds(case.path, home) if _is_scan(case) else None
    done = worker.process(case.path)
    result = _case_result(case, done.outcome, done.total_s)
    kind = "digital" if case.quality == "digital" else "scan"
    if done.outcome.decision == "quarantined":
        kind = "quarantined"
    return PageTiming(case.path.name, case.quality, kind, baseline, done.total_s,
                      done.reading_s, result)


def _is_scan(case: Case) -> bool:
    return case.quality != "digital"


def _baseline_seconds(path: Path, scratch: Path) -> float:
    """Raw full-page Tesseract, one thread, on the same page the pipeline reads."""
    page = path if path.suffix.lower() in RASTER_SUFFIXES else _rasterised(path, scratch)
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.perf_counter()
    subprocess.run(["tesseract", str(page), "-", "-l", BASELINE_LANG], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _rasterised(path: Path, scratch: Path) -> Path:
    """A scanned PDF's page as PNG (Tesseract reads no PDF); not timed."""
    from extractors.loader import LoadLimits, load_document

    image = load_document(path, LoadLimits()).image
    assert image is not None, f"{path} has a text layer, not a scan"
    out = scratch / f"{path.stem}.baseline.png"
    cv2.imwrite(str(out), image)
    return out


def _case_result(case: Case, outcome: Any, seconds: float) -> CaseResult:
    values = outcome.fields or {}
    fields = {key: FieldResult(truth, (values.get(key) or {}).get("value"),
                               float((values.get(key) or {}).get("confidence", 0.0)))
              for key, truth in case.fields.items()}
    issues = tuple((str(i["code"]), (str(i["field"]),) if i.get("field") else ())
                   for i in outcome.issues or [])
    return CaseResult(file=case.path.name, quality=case.quality, expected=case.expected,
                      route=outcome.decision, seconds=seconds, pages=1,
                      source_kind="digital" if case.quality == "digital" else "scan",
                      fields=fields, issues=issues, defect=case.defect)


@dataclass(frozen=True)
class Memory:
    """A worker process's peak RSS, and how much of its RSS at the end is
    shared-library code and data mapped from disk (clean pages that other
    workers on the host share; None where /proc does not say)."""

    peak_mb: float
    shared_mb: float | None


def _memory() -> Memory:
    return Memory(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, _file_rss_mb())


def _file_rss_mb() -> float | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) / 1024
    return None


# --- phase 2: documents per minute, one and two processes ----------------


_SCALING: dict[str, Any] = {}  # this pool process's worker


def _init_scaling(home: Path, today: dt.date) -> None:
    from workers.bench import worker as bench_worker

    _SCALING["worker"] = bench_worker.start(home, today)


def _scaled_one(path: Path) -> tuple[float, float, Memory]:
    started = time.time()
    _SCALING["worker"].process(path)
    return started, time.time(), _memory()


def _documents_per_minute(paths: list[Path], processes: int, home: Path,
                          today: dt.date) -> tuple[float, Memory]:
    _prepare(home)
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_init_scaling, initargs=(home, today)) as pool:
        spans = pool.map(_scaled_one, paths, chunksize=1)
    wall = max(end for _, end, _ in spans) - min(start for start, _, _ in spans)
    return len(paths) / wall * 60, max((m for _, _, m in spans), key=lambda m: m.peak_mb)


def _prepare(home: Path) -> None:
    """Folders and schema made once here, not raced by the worker processes."""
    from workers.bench.worker import settings_for
    from workers.service import prepare_home

    prepare_home(settings_for(home))


# --- the run and its report --------------------------------------------


def bench_throughput(run: ThroughputRun, echo: Echo) -> Throughput:
    cases = load_cases(run.folder)[: run.limit]
    if not cases:
        raise FileNotFoundError(f"no form files with *.truth.json in {run.folder}")
    if shutil.which("tesseract") is None:
        raise FileNotFoundError("the tesseract binary is needed for the baseline")
    today = judging_date(cases)
    out = Throughput()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as scratch:
        echo(f"phase 1: {len(cases)} files, one worker, baseline beside each page")
        _prepare(Path(scratch) / "one")
        with context.Pool(1) as pool:
            pages, memory = pool.apply(_phase_one, (cases, today, Path(scratch) / "one"))
        out.pages, out.memory = pages, [memory]
        scans = [c.path for c in cases if _is_scan(c)]
        if run.scaling and scans:
            for processes in (1, 2):
                echo(f"phase 2: {len(scans)} scans, {processes} worker process(es)")
                home = Path(scratch) / f"scale-{processes}"
                rate, memory = _documents_per_minute(scans, processes, home, today)
                out.per_minute[processes] = rate
                out.memory.append(memory)
    out.accuracy = compute([p.result for p in out.pages])
    return out


def report(result: Throughput, echo: Echo) -> dict[str, Any]:
    """Print the targets table of issue 7 and return the same figures."""
    figures = figures_of(result)
    echo("")
    echo(f"{'measure':<64} {'measured':>10}  target")
    for name, value, target in _rows(figures):
        echo(f"{name:<64} {value:>10}  {target}")
    if result.accuracy is not None:
        acc = result.accuracy
        echo("")
        echo(f"accuracy on the same set: fields {acc.fields.rate:.2%}, escapes "
             f"{len(acc.escapes)}, straight-through {acc.straight.rate:.2%}")
    return figures


def figures_of(result: Throughput) -> dict[str, Any]:
    scans = [p for p in result.pages if p.kind == "scan" and p.baseline_s]
    digital = [p for p in result.pages if p.kind == "digital"]
    baseline = [p.baseline_s for p in scans if p.baseline_s is not None]
    pipeline = [p.total_s for p in scans]
    total = sum(p.total_s for p in scans + digital)
    overhead = sum(max(0.0, p.total_s - p.reading_s) for p in scans + digital)
    one, two = result.per_minute.get(1), result.per_minute.get(2)
    peak = max(result.memory, key=lambda m: m.peak_mb) if result.memory else None
    return {
        "scans": len(scans), "digital": len(digital),
        "baseline_median_s": median(baseline) if baseline else None,
        "pipeline_median_s": median(pipeline) if pipeline else None,
        "median_ratio": _ratio(median(pipeline), median(baseline)) if scans else None,
        "p95_ratio": _ratio(percentile(pipeline, 95), percentile(baseline, 95))
        if scans else None,
        "digital_median_ms": median([p.total_s for p in digital]) * 1000 if digital else None,
        "overhead_share": overhead / total if total else None,
        "per_minute_one": one, "per_minute_two": two,
        "scaling": _ratio(two, one) if one and two else None,
        "peak_rss_mb": peak.peak_mb if peak else None,
        "peak_worker_shared_mb": peak.shared_mb if peak else None,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _rows(f: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (f"scanned pages timed ({f['scans']}); raw tesseract median",
         _num(f["baseline_median_s"], "{:.2f} s"), ""),
        ("full pipeline median per scanned page", _num(f["pipeline_median_s"], "{:.2f} s"), ""),
        ("median s/page, full pipeline ÷ raw tesseract", _num(f["median_ratio"], "{:.3f}"),
         "≤ 0.25"),
        ("95th percentile, full pipeline ÷ raw tesseract", _num(f["p95_ratio"], "{:.3f}"),
         "≤ 0.40"),
        (f"digital PDF median per page ({f['digital']} files)",
         _num(f["digital_median_ms"], "{:.0f} ms"), "≤ 50 ms"),
        ("pipeline overhead share (queue, hashing, db, audit, storage)",
         _num(f["overhead_share"], "{:.1%}"), "≤ 5 %"),
        ("documents/min, one worker process", _num(f["per_minute_one"], "{:.1f}"), ""),
        ("documents/min, two ÷ one", _num(f["scaling"], "{:.2f}×"), "≥ 1.8×"),
        ("peak memory per worker process", _num(f["peak_rss_mb"], "{:.0f} MB"), "≤ 300 MB"),
        ("  of it, shared libraries mapped from disk (at the end)",
         _num(f["peak_worker_shared_mb"], "{:.0f} MB"), ""),
    ]


def _num(value: float | None, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)
