"""Real Tesseract on the shared KYC-P01 examples, compared loosely with truth.

Exact comparison needs the validators' normalisation; here values are
compared after trivial clean-up (spaces, case, date digits, country names).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from extractors import TesseractEngine, extract, load_template
from extractors.types import FieldReading

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / ".." / "shared" / "forms" / "KYC-P01" / "examples"
COUNTRIES = {"CHN": {"中国", "中华人民共和国", "CHN", "中国香港", "中国澳门"}}

pytestmark = [
    pytest.mark.tesseract,
    pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"shared examples not found at {EXAMPLES}"),
]


def _loose(value: str) -> str:
    return re.sub(r"\s+", "", value).lower()


def _date_digits(value: str) -> str:
    parts = re.findall(r"\d+", value)
    return "-".join(p.zfill(2) for p in parts) if len(parts) == 3 else value


def _agrees(truth: Any, reading: FieldReading) -> bool:
    if reading.kind == "choice":
        return reading.marked == ((truth,) if truth is not None else ())
    if reading.kind == "signature":
        return reading.present is bool(truth)
    if truth is None or reading.raw is None:
        return truth is None and reading.raw is None
    raw = reading.raw
    if isinstance(truth, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", truth):
        return _date_digits(raw) == truth
    if truth in COUNTRIES:
        return _loose(raw) in {_loose(c) for c in COUNTRIES[truth]}
    if isinstance(truth, float | int):
        try:
            return float(raw.replace(",", "")) == float(truth)
        except ValueError:
            return False
    return _loose(raw) == _loose(str(truth))


def test_examples_read_close_to_truth() -> None:
    template = load_template(ROOT / "config" / "forms" / "KYC-P01")
    engine = TesseractEngine()
    hits: dict[str, int] = {}
    seconds: list[float] = []
    files = sorted(p for p in EXAMPLES.glob("example-*") if not p.name.endswith(".json"))
    for path in files:
        truth = json.loads(path.with_name(path.stem + ".truth.json").read_text())["fields"]
        started = time.perf_counter()
        extraction = extract(path, template, engine)
        seconds.append(time.perf_counter() - started)
        for key, reading in extraction.fields.items():
            hits[key] = hits.get(key, 0) + int(_agrees(truth[key], reading))
    print(f"\nper-field raw accuracy over {len(files)} examples:")
    for key, count in hits.items():
        print(f"  {key:17s} {count}/{len(files)}")
    total = sum(hits.values()) / (len(hits) * len(files))
    print(f"overall {total:.1%}; seconds per page mean {sum(seconds) / len(seconds):.1f}, "
          f"max {max(seconds):.1f}")
    assert total >= 0.85
    for key in ("gender", "id_type", "pep", "account_class", "signature"):
        assert hits[key] == len(files), key
