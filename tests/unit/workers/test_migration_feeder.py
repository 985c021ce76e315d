"""A migration run through the real actors on Dramatiq's StubBroker
(embedded mode, SQLite): legacy metadata kept and a known customer linked,
a killed run's documents sent on, live documents served first, and a dry
run that writes nothing."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from dramatiq import Worker
from sqlalchemy import func, select

from archive import ledger
from archive.ledger import Taken
from archive.migration_state import open_legacy, start_run
from archive.models import Application, Customer, Document, LegacyRecord
from config.settings import Settings
from extractors.ocr import FakeOcrEngine
from samplegen import generate
from workers.direct import process_path
from workers.migration.actors import declare_migration_actor
from workers.migration.dryrun import dry_run
from workers.migration.feeder import Feeder
from workers.migration.jobs import MigrationJob
from workers.migration.source import walk
from workers.migration.take import MigrationIntake
from workers.pipeline import process_document
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home
from workers.tasks import declare_actors, make_broker

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def clean_forms(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Digital forms without defects: they are archived, so they link a customer."""
    out = tmp_path_factory.mktemp("clean")
    return generate(3, 21, out, qualities=["digital"], reference_date=TODAY, defect_rate=0.0)


class Rig:
    def __init__(self, home: Path) -> None:
        self.settings = Settings(home=home)
        prepare_home(self.settings)
        self.rt: Runtime = build_runtime(self.settings, ocr=FakeOcrEngine())
        self.rt.today = lambda: TODAY
        self.broker = make_broker(self.settings)
        declare_actors(self.broker, lambda: self.rt)
        self.actor = declare_migration_actor(self.broker, lambda: self.rt)

    def feed(self, job: MigrationJob) -> Feeder:
        worker = Worker(self.broker, worker_timeout=50)
        worker.start()
        feeder = Feeder(self.rt, job, self.actor.send, stop=threading.Event(),
                        poll_seconds=0.02)
        try:
            feeder.summary = feeder.run()  # type: ignore[attr-defined]
        finally:
            worker.stop()
        return feeder

    def count(self, model: type) -> int:
        with self.rt.transaction() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    r = Rig(tmp_path / "home")
    yield r
    r.rt.close()


def _variant(form: Path, target: Path, note: str) -> Path:
    """Another file of the same person: other bytes, same reading."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(form.read_bytes() + f"\n% {note}\n".encode())
    return target


def test_a_legacy_customer_already_archived_is_linked_and_the_register_kept(
    rig: Rig, clean_forms: list[Path], tmp_path: Path
) -> None:
    assert process_path(rig.rt, clean_forms[0], dry_run=False).decision == "archived"
    share = tmp_path / "share"
    _variant(clean_forms[0], share / "2015" / "old.pdf", "legacy scan")
    register = tmp_path / "register.csv"
    register.write_text("path,legacy_customer_number,branch,account_opened,notes\n"
                        "2015\\old.pdf,C0042,B07,2015.03.02,开户资料\n", encoding="utf-8")
    summary = rig.feed(MigrationJob("legacy", share, register)).summary  # type: ignore[attr-defined]
    assert summary.status == "finished" and summary.report.reconciled
    assert summary.counts == {"archived": 1}
    assert rig.count(Customer) == 1
    with rig.rt.transaction() as s:
        links = set(s.scalars(select(Application.customer_id)))
        migrated = s.scalars(select(Document).where(Document.channel == "migration/legacy")).one()
        legacy = open_legacy(s.get(LegacyRecord, migrated.id), rig.rt.sealer)
        sealed = s.get(LegacyRecord, migrated.id).customer_number_sealed
    assert len(links) == 1
    assert legacy == {"register": "register.csv", "register_row": 2, "customer_number": "C0042",
                      "branch": "B07", "account_opened": "2015-03-02", "notes": "开户资料"}
    assert "C0042" not in sealed


def test_a_killed_runs_documents_are_sent_on_and_a_second_run_adds_nothing(
    rig: Rig, clean_forms: list[Path], tmp_path: Path
) -> None:
    share = tmp_path / "share"
    for i, form in enumerate(clean_forms):
        _variant(form, share / f"box-{i}" / f"{i}.pdf", f"n{i}")
    job = MigrationJob("boxes", share)
    # A run killed right after taking one file: in the ledger, never queued.
    first = next(f for f in walk(share, ()) if f.key == "box-0/0.pdf")
    with rig.rt.transaction() as s:
        run = start_run(s, job=job.name, channel=job.channel, source=str(share),
                        register=None, stale_after=dt.timedelta(seconds=30))
        run.pid, run_id = _dead_pid(), run.id  # SIGKILLed a moment ago
    took = MigrationIntake(rig.rt, job.name, job.channel, run_id).take(first, None)
    assert took.new
    feeder = rig.feed(job)
    assert feeder.summary.taken_now == 2  # type: ignore[attr-defined]
    assert feeder.summary.counts == {"archived": 3}  # type: ignore[attr-defined]
    drops = rig.count(ledger.Drop)
    again = rig.feed(job).summary  # type: ignore[attr-defined]
    assert again.taken_now == 0 and again.report.reconciled
    assert rig.count(ledger.Drop) == drops
    assert {v.reason for v in dry_run(rig.settings, job)} == {"already migrated by an earlier run"}


def test_a_migration_message_steps_aside_while_live_documents_wait(
    rig: Rig, clean_forms: list[Path], tmp_path: Path
) -> None:
    share = tmp_path / "share"
    _variant(clean_forms[1], share / "m.pdf", "m")
    source = next(walk(share, ()))
    migrated = MigrationIntake(rig.rt, "j", "migration/j", _run(rig)).take(source, None)
    live = _variant(clean_forms[2], tmp_path / "live.pdf", "live")
    key, sha = rig.rt.store.put(live, move=False)
    with rig.rt.transaction() as s:
        live_id = ledger.record_drop(s, Taken(sha, key, live.stat().st_size, "branch-001",
                                              "live.pdf"))[0].id
    rig.actor.fn(migrated.document_id)
    assert _state(rig, migrated.document_id) == "received"  # put back, not processed
    assert rig.broker.queues["documents.migration.DQ"].qsize() == 1
    process_document(rig.rt, live_id)
    rig.actor.fn(migrated.document_id)
    assert _state(rig, migrated.document_id) == "archived"


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _run(rig: Rig) -> str:
    with rig.rt.transaction() as s:
        return start_run(s, job="j", channel="migration/j", source="x", register=None,
                         stale_after=dt.timedelta(seconds=30)).id


def _state(rig: Rig, doc_id: str | None) -> str:
    with rig.rt.transaction() as s:
        doc = s.get(Document, doc_id)
        assert doc is not None
        return doc.state


def test_a_dry_run_lists_what_it_would_do_and_writes_nothing(
    clean_forms: list[Path], tmp_path: Path
) -> None:
    share = tmp_path / "share"
    _variant(clean_forms[0], share / "a" / "1.pdf", "1")
    (share / "a" / "copy.pdf").write_bytes((share / "a" / "1.pdf").read_bytes())
    (share / "a" / "notes.txt").write_text("not a scan")
    (share / "a" / "empty.png").write_bytes(b"")
    home = tmp_path / "home"
    verdicts = {v.path: (v.action, v.reason.split(":")[0])
                for v in dry_run(Settings(home=home), MigrationJob("dry", share))}
    assert verdicts == {"a/1.pdf": ("take", "readable pdf"), "a/copy.pdf": ("skip", "duplicate"),
                        "a/notes.txt": ("quarantine", "unsupported_type"),
                        "a/empty.png": ("quarantine", "empty_file")}
    assert not home.exists()
