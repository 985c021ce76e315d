from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from samplegen import generate

REFERENCE = date(2026, 11, 1)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One clean scan and one digital PDF of fictitious people."""
    out = tmp_path_factory.mktemp("forms")
    scan = generate(1, 11, out / "scan", qualities=["clean"], reference_date=REFERENCE)[0]
    digital = generate(1, 12, out / "digital", qualities=["digital"],
                       reference_date=REFERENCE)[0]
    return {"scan": scan, "digital": digital}
