"""Run extract+decide on every case, in a small process pool.

Each worker process builds its forms and OCR engines once (the pool
initialiser) and then handles whole documents; only plain data crosses the
process boundary.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.errors import RejectedInput
from extractors import extract
from extractors.loader import LoadLimits
from extractors.ocr import OcrEngine
from extractors.types import FieldReading
from validators.decide import decide
from workers.bench.cases import Case
from workers.runtime import Form, load_forms

EngineFactory = Callable[[], OcrEngine]


@dataclass(frozen=True)
class FieldResult:
    """One field of one form: truth, what the pipeline reported, and how sure."""

    truth: Any
    value: Any
    confidence: float
    raw: str | None = None
    candidates: tuple[str, ...] = ()
    # (engine, text, confidence, weakest character, every character's probability)
    readings: tuple[tuple[str, str, float, float, tuple[float, ...]], ...] = ()
    agreement: bool | None = None


@dataclass(frozen=True)
class CaseResult:
    """What happened to one case; `route` is archived | review | quarantined."""

    file: str
    quality: str
    expected: str
    route: str
    seconds: float
    pages: int
    source_kind: str
    fields: dict[str, FieldResult] = field(default_factory=dict)
    issues: tuple[tuple[str, tuple[str, ...]], ...] = ()
    defect: str | None = None
    notes: tuple[str, ...] = ()  # advisory codes: kept with the record, not reasons


@dataclass(frozen=True)
class BenchJob:
    forms_dir: Path
    form_id: str
    today: dt.date
    engine_factory: EngineFactory


_STATE: dict[str, Any] = {}


def _init_worker(job: BenchJob) -> None:
    # Tesseract's OpenMP threads only fight the other worker process.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    _STATE["form"] = load_forms(job.forms_dir)[job.form_id]
    _STATE["engine"] = job.engine_factory()
    _STATE["today"] = job.today


def run_case(case: Case) -> CaseResult:
    """Extract and decide one case with the worker's engine (no archive)."""
    form: Form = _STATE["form"]
    started = time.perf_counter()
    try:
        extraction = extract(case.path, form.template, _STATE["engine"], LoadLimits())
    except RejectedInput as exc:
        return _rejected(case, exc, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    decision = decide(extraction, form.policy, _STATE["today"])
    fields = {
        key: _field_result(case.fields.get(key), decision.values.get(key),
                           decision.confidences.get(key, 0.0), extraction.fields.get(key))
        for key in case.fields
    }
    return CaseResult(
        file=case.path.name, quality=case.quality, expected=case.expected,
        route=decision.route, seconds=seconds, pages=extraction.pages,
        source_kind=extraction.source_kind, fields=fields,
        issues=tuple((i.code, i.fields) for i in decision.issues if not i.advisory),
        defect=case.defect, notes=tuple(decision.notes),
    )


def _field_result(
    truth: Any, value: Any, confidence: float, reading: FieldReading | None
) -> FieldResult:
    if reading is None:
        return FieldResult(truth, value, confidence)
    return FieldResult(
        truth, value, confidence, raw=reading.raw, candidates=reading.candidates,
        readings=tuple((r.engine, r.text, r.confidence, min(r.char_confidences, default=-1.0),
                        r.char_confidences) for r in reading.readings),
        agreement=reading.agreement,
    )


def _rejected(case: Case, exc: RejectedInput, seconds: float) -> CaseResult:
    fields = {key: FieldResult(truth=value, value=None, confidence=0.0)
              for key, value in case.fields.items()}
    return CaseResult(
        file=case.path.name, quality=case.quality, expected=case.expected,
        route="quarantined", seconds=seconds, pages=1, source_kind="unknown",
        fields=fields, issues=((exc.code, ()),), defect=case.defect,
    )


def run_all(cases: list[Case], job: BenchJob, processes: int = 2) -> Iterator[CaseResult]:
    """Results in completion order; one process runs in-line (debuggable)."""
    if processes <= 1:
        _init_worker(job)
        yield from (run_case(c) for c in cases)
        return
    # Spawn, not fork: ONNX Runtime and OpenCV thread pools do not survive a fork.
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_init_worker, initargs=(job,)) as pool:
        yield from pool.imap_unordered(run_case, cases, chunksize=1)
