"""End to end on a small generated set with the real engines: field accuracy
must not fall below the floor, and no wrong or rule-breaking form may be
archived without review.

Twelve forms of every quality (clean, office, rough, scanned PDF, digital)
from a fixed seed the calibration never used; the bench's own machinery
does the counting, so this also exercises `dossier bench accuracy`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from config.settings import Settings
from samplegen import generate
from workers.bench.accuracy import AccuracyRun, bench_accuracy
from workers.bench.cases import load_cases

pytestmark = pytest.mark.tesseract

SEED = 781
COUNT = 12
REFERENCE = dt.date(2026, 6, 30)
# Measured 99.6 % (251/252: one e-mail) when the floor was set; the floor
# leaves room for two more misread fields, not for a regression.
FIELD_ACCURACY_FLOOR = 0.985


@pytest.fixture(scope="module")
def labelled_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("accuracy-set")
    generate(COUNT, SEED, folder, reference_date=REFERENCE)
    return folder


def test_generated_set_covers_every_quality(labelled_set: Path) -> None:
    qualities = {case.quality for case in load_cases(labelled_set)}
    assert qualities == {"clean", "office", "rough", "scanned_pdf", "digital"}


def test_accuracy_floor_and_zero_escapes(labelled_set: Path) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    lines: list[str] = []

    figures = bench_accuracy(AccuracyRun(labelled_set, processes=2), Settings(), lines.append)

    print("\n".join(lines))
    assert figures.forms == COUNT
    assert figures.escapes == []
    assert figures.fields.rate >= FIELD_ACCURACY_FLOOR
    assert figures.digital_fields.rate == 1.0
