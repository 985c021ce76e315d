"""`dossier bench accuracy DIR`: how well extract+decide read a labelled set.

Runs the same stages as the workers (no archive writes) on every form file
with a `*.truth.json`, then prints per-field and per-quality accuracy, the
decision matrix, the escapes, straight-through and seconds per page.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from extractors.ocr import OcrEngine
from workers.bench.cases import judging_date, load_cases
from workers.bench.metrics import Figures, compute
from workers.bench.report import print_report, write_json
from workers.bench.run import BenchJob, CaseResult, run_all
from workers.runtime import build_ocr


@dataclass(frozen=True)
class AccuracyRun:
    folder: Path
    today: dt.date | None = None
    json_out: Path | None = None
    processes: int = 2


@dataclass(frozen=True)
class _SettingsEngine:
    """Picklable engine factory: each bench process builds its own engines."""

    settings: Settings

    def __call__(self) -> OcrEngine:
        return build_ocr(self.settings)


def bench_accuracy(
    run: AccuracyRun, settings: Settings, echo: Callable[[str], None],
    progress: Callable[[int, int], None] | None = None,
) -> Figures:
    """Run the bench and print its report; raises FileNotFoundError on an
    empty set so a typo in DIR is not reported as a perfect score."""
    cases = load_cases(run.folder)
    if not cases:
        raise FileNotFoundError(f"no form files with *.truth.json in {run.folder}")
    today = run.today or judging_date(cases)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    job = BenchJob(settings.forms_dir, settings.default_form, today, _SettingsEngine(settings))
    results: list[CaseResult] = []
    for result in run_all(cases, job, run.processes):
        results.append(result)
        if progress:
            progress(len(results), len(cases))
    figures = compute(results)
    print_report(figures, today, echo)
    if run.json_out:
        write_json(run.json_out, figures, today, results)
    return figures
