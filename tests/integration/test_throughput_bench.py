"""`dossier bench throughput` stays runnable: a tiny set through every
phase. Times are printed, never asserted (a busy machine would flake)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from samplegen import generate

pytestmark = pytest.mark.tesseract


def test_the_throughput_bench_runs_every_phase_on_a_tiny_set(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    generate(1, 611, folder, qualities=["office"], reference_date=dt.date(2026, 11, 1),
             defect_rate=0.0)
    generate(1, 612, folder, qualities=["digital"], reference_date=dt.date(2026, 11, 1),
             defect_rate=0.0)
    out = tmp_path / "figures.json"

    done = CliRunner().invoke(app, ["bench", "throughput", str(folder), "--json", str(out)])

    assert done.exit_code == 0, done.output
    figures = json.loads(out.read_text())
    assert (figures["scans"], figures["digital"]) == (1, 1)
    for key in ("baseline_median_s", "pipeline_median_s", "median_ratio", "p95_ratio",
                "digital_median_ms", "overhead_share", "per_minute_one", "per_minute_two",
                "scaling", "peak_rss_mb", "peak_worker_shared_mb"):
        assert figures[key] is not None and figures[key] > 0, key
    assert 0 < figures["overhead_share"] < 1
    assert "median s/page, full pipeline ÷ raw tesseract" in done.output
    assert "accuracy on the same set" in done.output


def test_an_empty_folder_is_an_error_not_a_perfect_score(tmp_path: Path) -> None:
    done = CliRunner().invoke(app, ["bench", "throughput", str(tmp_path)])
    assert done.exit_code == 2
    assert "no form files" in done.output
