"""Hostile files dropped on a real `dossier run`, and a Tesseract that
hangs: every case ends with a reason, and the service keeps going."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from e2e.harness import cli, drop, environment, running
from faults.hostile import DOCUMENT, make_hostile
from faults.rig import Ledger, processes_matching, wait_until

from samplegen import generate

pytestmark = [pytest.mark.e2e]


def test_hostile_drops_are_quarantined_with_reasons_and_the_service_keeps_going(
    tmp_path: Path, digital_forms: list[Path]
) -> None:
    home = tmp_path / "home"
    env = environment(home)
    channel = home / "inbox" / "branch-009"
    staging = tmp_path / "staging"  # made outside, then moved in at once
    expect = make_hostile(staging, tmp_path / "outside.txt", digital_forms[:4])
    ledger = Ledger(f"sqlite:///{home / 'dossier.db'}")
    documents = sum(1 for e in expect.values() if e.kind == DOCUMENT)
    with running(["run"], env, tmp_path / "run.log") as proc:
        wait_until(lambda: (home / "inbox").is_dir(), 30, "service did not start")
        staging.rename(channel)
        wait_until(lambda: ledger.settled(documents) and not list(channel.iterdir()), 120,
                   "hostile files not all handled")
        drop(digital_forms[5:6], channel)  # and it still works
        wait_until(lambda: ledger.settled(documents + 1), 60, "service stopped working")
        assert proc.poll() is None
    status = cli(["status", "--json"], env)
    assert status.returncode == 0, status.stdout + status.stderr
    reasons = list((home / "quarantine" / "branch-009").glob("*.reason.txt"))
    assert len(reasons) == sum(1 for e in expect.values() if e.code != "processed")
    assert (tmp_path / "outside.txt").exists()
    ledger.close()


@pytest.mark.tesseract
def test_a_hanging_tesseract_is_killed_and_the_document_fails_with_a_reason(
    tmp_path: Path, digital_forms: list[Path]
) -> None:
    marker = f"dossier-hung-ocr-{uuid.uuid4().hex[:8]}"
    fake = tmp_path / "tesseract"
    fake.write_text(
        "#!/bin/bash\n"
        "# A Tesseract that answers its version check and then hangs on every page.\n"
        'case "$*" in *--version*|*--list-langs*) exec tesseract "$@";; esac\n'
        f"exec -a {marker} sleep 600\n")
    fake.chmod(0o755)
    scan = generate(1, 503, tmp_path / "scan", qualities=["clean"],
                    reference_date=dt.date(2026, 11, 1))[0]
    home = tmp_path / "home"
    env = environment(home, DOSSIER_OCR_BACKEND="command", DOSSIER_TESSERACT_CMD=str(fake),
                      DOSSIER_LIMITS__SECONDS_PER_DOCUMENT="4",
                      DOSSIER_WORKER__OCR_TIMEOUT_SECONDS="2",
                      DOSSIER_WORKER__MAX_RETRIES="1", DOSSIER_WORKER__MIN_BACKOFF_MS="100",
                      DOSSIER_WORKER__THREADS="2")
    ledger = Ledger(f"sqlite:///{home / 'dossier.db'}")
    try:
        with running(["run"], env, tmp_path / "run.log"):
            drop([scan, digital_forms[6]], home / "inbox" / "branch-001")
            wait_until(lambda: ledger.settled(2), 60, "a hung OCR hung the document")
        rows = dict(ledger.rows("SELECT state, reason FROM documents"))  # type: ignore[arg-type]
        assert set(rows) == {"failed", "archived"} or set(rows) == {"failed", "review"}
        assert "timed out" in rows["failed"] or "time_limit" in rows["failed"]
        wait_until(lambda: not processes_matching(marker), 5, "the hung Tesseract was left")
    finally:
        for pid in processes_matching(marker):
            from faults.rig import kill

            kill(pid)
        ledger.close()
