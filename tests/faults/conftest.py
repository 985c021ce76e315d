from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from samplegen import generate

REFERENCE = dt.date(2026, 11, 1)


@pytest.fixture(scope="session")
def digital_forms(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Twenty generated digital PDFs: read from the text layer, fast."""
    out = tmp_path_factory.mktemp("digital")
    return generate(20, 501, out, qualities=["digital"], reference_date=REFERENCE)


@pytest.fixture(scope="session")
def scan_form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated scan: a few seconds of real OCR, long enough to kill."""
    out = tmp_path_factory.mktemp("scan")
    return generate(1, 502, out, qualities=["clean"], reference_date=REFERENCE)[0]
