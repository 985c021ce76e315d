"""The pipeline's own Prometheus metrics: how long each stage of a
document took, and how long and how sure each OCR call was.

Counts of documents by decision are not kept here: the workspace reads
them from the database when it is scraped (`review.metrics`), which is
right across any number of worker processes and hosts. What only the
process doing the work can see is recorded here:

- after `record_under(dir)` (`dossier run`, and `dossier worker` for its
  forked processes) into prometheus_client's multiprocess files in `dir`,
  which the workspace's `/metrics` and Dramatiq's exposition port read;
- otherwise in this process's memory (tests, one-off commands), which a
  workspace in the same process serves.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from config.settings import Settings
from extractors.engines import OcrEngines
from extractors.ocr import OcrEngine, OcrResult

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
STAGE_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300)
OCR_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60)
CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0)


@dataclass(frozen=True)
class _Histograms:
    stage: Any
    ocr_seconds: Any
    ocr_confidence: Any


@functools.cache
def _histograms() -> _Histograms:
    # Imported and created on first use, not at import: prometheus_client
    # fixes memory-or-files when it is imported, and `record_under` must
    # be able to choose files first.
    from prometheus_client import Histogram

    return _Histograms(
        Histogram("dossier_stage_seconds", "Time one document spent in a pipeline stage "
                  "(extract = load + align + read fields, validate, store)", ["stage"],
                  buckets=STAGE_BUCKETS),
        Histogram("dossier_ocr_call_seconds", "Time of one OCR call on one field zone",
                  ["engine"], buckets=OCR_BUCKETS),
        Histogram("dossier_ocr_confidence", "Confidence (0..1) the OCR engine gave one "
                  "field zone", ["engine"], buckets=CONFIDENCE_BUCKETS),
    )


@contextlib.contextmanager
def timed(stage: str) -> Iterator[None]:
    """Observe the block's duration as `stage`. A stage that raises is not
    observed: the histogram describes work done, and the document's
    quarantine or retry is counted elsewhere."""
    start = time.perf_counter()
    yield
    _histograms().stage.labels(stage).observe(time.perf_counter() - start)


@dataclass(frozen=True)
class MeteredOcr:
    """An `OcrEngine` that records each call's time and confidence."""

    inner: OcrEngine
    engine: str

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        start = time.perf_counter()
        result = self.inner.read_text(image, lang=lang, psm=psm, whitelist=whitelist)
        histograms = _histograms()
        histograms.ocr_seconds.labels(self.engine).observe(time.perf_counter() - start)
        histograms.ocr_confidence.labels(self.engine).observe(result.confidence)
        return result


def metered(engine: OcrEngine) -> OcrEngine:
    """Meter each engine of a bundle under its own name (the field readers
    call the second engine directly), or a lone engine."""
    if isinstance(engine, OcrEngines):
        second = None if engine.second is None else MeteredOcr(engine.second,
                                                                engine.second_name)
        return replace(engine, primary=MeteredOcr(engine.primary, engine.primary_name),
                       second=second)
    return MeteredOcr(engine, str(getattr(engine, "name", type(engine).__name__)))


def record_under(directory: Path) -> None:
    """Keep this process's metrics (and its children's) as files in
    `directory`, so that another process can serve them. Call it before
    the pipeline runs: metrics made before stay in memory."""
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)
    values = sys.modules.get("prometheus_client.values")
    if values is not None:  # imported already (by a library): choose again
        values.ValueClass = values.get_value_class()  # type: ignore[attr-defined]


def worker_environment(settings: Settings) -> dict[str, str]:
    """What `dossier worker` hands Dramatiq's supervisor: our files and
    Dramatiq's in one directory, and where its exposition server listens.
    (Dramatiq reads these when its Prometheus module is imported, in the
    supervisor's forked exposition process too, so only the environment
    reaches them.)"""
    directory = settings.metrics_dir
    directory.mkdir(parents=True, exist_ok=True)
    return {
        MULTIPROC_ENV: str(directory),
        "dramatiq_prom_db": str(directory),
        "dramatiq_prom_host": settings.metrics.dramatiq_host,
        "dramatiq_prom_port": str(settings.metrics.dramatiq_port),
    }
