"""Hostile and broken input through the real watcher, intake and actors (on
the StubBroker, with a fake OCR engine): each case ends with a clear reason
and a reason file, good forms under awkward names are processed, and the
worker keeps going. The same cases run against a real `dossier run` in
tests/faults/test_hostile_drops.py."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from dramatiq import Worker
from faults.hostile import DOCUMENT, REJECTED, make_hostile
from sqlalchemy import select

from archive.models import Document
from config.settings import LimitSettings, Settings, WorkerSettings
from extractors.ocr import FakeOcrEngine, OcrResult
from inbox.report import printable
from samplegen import generate
from workers import deadline
from workers.operations import reconcile, rejected_listing
from workers.pipeline import process_document
from workers.runtime import Runtime, build_runtime
from workers.service import make_watcher, prepare_home
from workers.tasks import Actors, declare_actors, make_broker


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[tuple[Runtime, Actors, Worker]]:
    settings = Settings(home=tmp_path / "home", worker=WorkerSettings(
        max_retries=1, min_backoff_ms=10, max_backoff_ms=20))
    prepare_home(settings)
    rt = build_runtime(settings, ocr=FakeOcrEngine())
    rt.today = lambda: dt.date(2026, 11, 1)
    broker = make_broker(settings)
    actors = declare_actors(broker, lambda: rt)
    worker = Worker(broker, worker_timeout=50)
    yield rt, actors, worker
    worker.stop()
    rt.close()


def test_every_hostile_file_is_quarantined_with_its_reason_and_good_ones_go_through(
    installation: tuple[Runtime, Actors, Worker], tmp_path: Path
) -> None:
    rt, actors, worker = installation
    forms = generate(4, 21, tmp_path / "forms", qualities=["digital"],
                     reference_date=dt.date(2026, 11, 1))
    channel = rt.settings.inbox_dir / "branch-007"
    outside = tmp_path / "outside-secret.txt"
    expect = make_hostile(channel, outside, forms)

    watcher = make_watcher(rt, actors)
    clock = FakeClock()
    watcher.tracker.clock = clock
    for _ in range(3):
        watcher.scan_once()
        clock.now += rt.settings.inbox.stable_seconds + 1
    worker.start()
    actors.process.broker.join("documents", fail_fast=False)
    worker.join()

    assert list(channel.iterdir()) == [], "everything was taken or turned away"
    assert outside.read_text().startswith("a file outside the inbox")
    states = _states(rt)
    for name, exp in expect.items():
        if exp.kind == DOCUMENT and exp.code == "processed":
            assert states[printable(name)][0] in ("archived", "review"), name
        elif exp.kind == DOCUMENT:
            state, reason = states[name]
            assert (state, reason.split(":")[0]) == ("quarantined", exp.code), name
    rejected = {r["code"] for r in rejected_listing(rt)}
    assert rejected == {e.code for e in expect.values() if e.kind == REJECTED}
    _each_has_a_reason_file(rt, expect)
    assert reconcile(rt)["ok"], reconcile(rt)


def _states(rt: Runtime) -> dict[str, tuple[str, str]]:
    with rt.transaction() as s:
        return {d.original_name: (d.state, d.reason or "") for d in s.scalars(select(Document))}


def _each_has_a_reason_file(rt: Runtime, expect: dict) -> None:  # type: ignore[type-arg]
    reasons = [p.read_text() for p in
               (rt.settings.quarantine_dir / "branch-007").glob("*.reason.txt")]
    quarantined = [e for e in expect.values() if e.code != "processed"]
    assert len(reasons) == len(quarantined)
    for exp in quarantined:
        assert any(r.startswith(exp.code + ":") for r in reasons), exp.code
    symlink_note = next(r for r in reasons if r.startswith("symlink"))
    assert "outside-secret.txt" in symlink_note and "nothing copied" in symlink_note
    huge_note = next(r for r in reasons if r.startswith("too_large"))
    assert "was not copied here" in huge_note


class HangingOcr(FakeOcrEngine):
    """Tesseract stuck on every call: each call takes `seconds` and then
    times out, as the adapter reports a killed Tesseract."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def read_text(self, image: np.ndarray, *, lang: str, psm: int,
                  whitelist: str | None) -> OcrResult:
        time.sleep(self.seconds)
        self.calls.append({"lang": lang})
        return OcrResult("", 0.0)


def test_a_stuck_ocr_is_stopped_by_the_document_time_limit_and_fails_with_the_reason(
    tmp_path: Path, generated: dict[str, Path]
) -> None:
    settings = Settings(home=tmp_path / "home", limits=LimitSettings(seconds_per_document=1),
                        worker=WorkerSettings(max_retries=0))
    prepare_home(settings)
    ocr = HangingOcr(0.3)
    rt = build_runtime(settings, ocr=ocr)
    broker = make_broker(settings)
    actors = declare_actors(broker, lambda: rt)
    worker = Worker(broker, worker_timeout=50, worker_threads=2)
    try:
        slow = _register(rt, generated["scan"])
        quick = _register(rt, generated["digital"])
        worker.start()
        started = time.monotonic()
        actors.enqueue(slow)
        actors.enqueue(quick)
        broker.join("documents", fail_fast=False)
        worker.join()
        elapsed = time.monotonic() - started
    finally:
        worker.stop()
        rt.close()
    states = {doc_id: state_reason for doc_id, state_reason in _by_id(rt).items()}
    assert states[quick][0] == "archived"  # unrelated work was not stopped
    assert states[slow][0] == "failed" and "TimeLimitReached" in states[slow][1]
    assert len(ocr.calls) <= 5 and elapsed < 10  # stopped after ~1 s, not 21 fields x 0.3 s


def test_the_time_limit_check_is_per_document() -> None:
    clock = FakeClock()
    with deadline.within(5, clock=clock):
        deadline.check()
        clock.now = 6
        with pytest.raises(deadline.TimeLimitReached):
            deadline.check()
    deadline.check()  # outside any document: no budget


def _register(rt: Runtime, source: Path) -> str:
    from archive import ledger
    from archive.ledger import Taken

    key, sha = rt.store.put(source, move=False)
    with rt.transaction() as s:
        doc, _ = ledger.record_drop(s, Taken(sha, key, source.stat().st_size, "b1", source.name))
        return doc.id


def _by_id(rt: Runtime) -> dict[str, tuple[str, str]]:
    with rt.transaction() as s:
        return {d.id: (d.state, d.reason or "") for d in s.scalars(select(Document))}


def test_process_document_outside_a_broker_also_has_the_budget(
    tmp_path: Path, generated: dict[str, Path]
) -> None:
    settings = Settings(home=tmp_path / "home", limits=LimitSettings(seconds_per_document=1))
    prepare_home(settings)
    rt = build_runtime(settings, ocr=HangingOcr(0.3))
    try:
        doc_id = _register(rt, generated["scan"])
        with pytest.raises(deadline.TimeLimitReached):
            process_document(rt, doc_id)
    finally:
        rt.close()
