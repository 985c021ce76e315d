"""A document's life through the real actors on Dramatiq's StubBroker:
retries for transient failures, `failed` when they never stop, quarantine
without retry for bad input, one record for a message delivered twice."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from dramatiq import Worker
from sqlalchemy import func, select

from archive.models import Application, AuditEntry, Document
from config.errors import TransientFailure
from config.settings import Settings, WorkerSettings
from extractors.ocr import FakeOcrEngine, OcrResult
from inbox.scan import Candidate
from workers.intake import Intake
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home
from workers.tasks import Actors, declare_actors, make_broker


class FlakyOcr(FakeOcrEngine):
    """Fails the first `failures` calls as a dependency outage would."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    def read_text(self, image: np.ndarray, *, lang: str, psm: int,
                  whitelist: str | None) -> OcrResult:
        if self.failures:
            self.failures -= 1
            raise TransientFailure("OCR engine unavailable", code="ocr_unavailable")
        return super().read_text(image, lang=lang, psm=psm, whitelist=whitelist)


class Rig:
    def __init__(self, tmp_path: Path, ocr: FakeOcrEngine, max_retries: int = 3) -> None:
        settings = Settings(home=tmp_path / "home", worker=WorkerSettings(
            max_retries=max_retries, min_backoff_ms=10, max_backoff_ms=50))
        prepare_home(settings)
        self.rt: Runtime = build_runtime(settings, ocr=ocr)
        self.rt.today = lambda: dt.date(2026, 11, 1)
        self.broker = make_broker(settings)
        self.actors: Actors = declare_actors(self.broker, lambda: self.rt)
        self.worker = Worker(self.broker, worker_timeout=50)

    def take(self, source: Path, channel: str = "branch-001") -> str:
        inbox = self.rt.settings.inbox_dir / channel
        inbox.mkdir(parents=True, exist_ok=True)
        dropped = inbox / source.name
        shutil.copyfile(source, dropped)
        Intake(self.rt, self.actors.enqueue).take(Candidate(channel, dropped))
        with self.rt.transaction() as s:
            # By name: ids are random, so "the last row" is no particular one.
            return s.scalars(select(Document.id)
                             .where(Document.original_name == source.name)).one()

    def run(self) -> None:
        self.worker.start()
        self.broker.join("documents", fail_fast=False)
        self.worker.join()

    def state(self, doc_id: str) -> str:
        with self.rt.transaction() as s:
            doc = s.get(Document, doc_id)
            assert doc is not None
            return doc.state

    def count(self, model: type) -> int:
        with self.rt.transaction() as s:
            return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def rig_factory(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    rigs: list[Rig] = []

    def make(ocr: FakeOcrEngine, **kw: int) -> Rig:
        rigs.append(Rig(tmp_path, ocr, **kw))
        return rigs[-1]

    yield make
    for rig in rigs:
        rig.worker.stop()
        rig.rt.close()


def test_a_transient_ocr_outage_is_retried_and_the_document_completes(
    rig_factory, generated: dict[str, Path]  # type: ignore[no-untyped-def]
) -> None:
    rig = rig_factory(FlakyOcr(failures=2))
    doc_id = rig.take(generated["scan"])
    rig.run()
    assert rig.state(doc_id) in ("archived", "review")
    assert rig.count(Application) == 1


def test_a_failure_that_never_stops_ends_in_failed_with_the_reason(
    rig_factory, generated: dict[str, Path]  # type: ignore[no-untyped-def]
) -> None:
    rig = rig_factory(FlakyOcr(failures=10_000), max_retries=2)
    doc_id = rig.take(generated["scan"])
    rig.run()
    assert rig.state(doc_id) == "failed"
    with rig.rt.transaction() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None and "OCR engine unavailable" in (doc.reason or "")


def test_bad_input_is_quarantined_once_without_retries(
    rig_factory, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    ocr = FakeOcrEngine()
    rig = rig_factory(ocr)
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    doc_id = rig.take(junk)
    rig.run()
    assert rig.state(doc_id) == "quarantined"
    reasons = list((rig.rt.settings.quarantine_dir / "branch-001").glob("*.reason.txt"))
    assert len(reasons) == 1 and "unreadable_image" in reasons[0].read_text()
    with rig.rt.transaction() as s:
        processing = s.scalar(select(func.count()).where(
            AuditEntry.document_id == doc_id, AuditEntry.action == "processing"))
    assert processing == 1


def test_a_message_delivered_twice_makes_one_record(
    rig_factory, generated: dict[str, Path]  # type: ignore[no-untyped-def]
) -> None:
    rig = rig_factory(FakeOcrEngine())
    doc_id = rig.take(generated["digital"])
    rig.actors.enqueue(doc_id)  # the broker redelivers
    rig.run()
    assert rig.state(doc_id) == "archived"
    assert rig.count(Application) == 1


def test_the_same_file_dropped_twice_is_one_document(
    rig_factory, generated: dict[str, Path]  # type: ignore[no-untyped-def]
) -> None:
    rig = rig_factory(FakeOcrEngine())
    rig.take(generated["digital"], channel="branch-001")
    rig.take(generated["digital"], channel="branch-002")
    rig.run()
    assert rig.count(Document) == 1
    assert rig.count(Application) == 1
    with rig.rt.transaction() as s:
        from archive import ledger

        assert ledger.status(s)["duplicates"] == 1


def test_a_document_is_read_and_quarantined_without_a_decrypted_copy_on_disk(
    rig_factory, generated: dict[str, Path], tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rig = rig_factory(FakeOcrEngine())

    def refuse(key: str) -> None:
        raise AssertionError("the worker wrote a decrypted copy of a stored file to disk")

    monkeypatch.setattr(rig.rt.store, "plaintext", refuse)
    good = rig.take(generated["digital"])
    junk = tmp_path / "scan.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    bad = rig.take(junk)
    rig.run()
    assert rig.state(good) in ("archived", "review")
    assert rig.state(bad) == "quarantined"
    kept = [p for p in (rig.rt.settings.quarantine_dir / "branch-001").iterdir()
            if not p.name.endswith(".reason.txt")]
    # The operator's copy is the file as it was dropped, not the stored ciphertext.
    assert [p.read_bytes() for p in kept] == [junk.read_bytes()]
