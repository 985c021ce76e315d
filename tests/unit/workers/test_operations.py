"""Operator tools: the reconciliation says loudly when files do not add up,
failed and quarantined documents are re-driven (audited), health checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from services import free_port
from sqlalchemy import delete, select

from archive import ledger
from archive.ledger import Taken
from archive.models import AuditEntry, DocState, Document, Drop
from config.errors import TransientFailure
from config.settings import LimitSettings, Settings, WorkerSettings
from extractors.ocr import FakeOcrEngine
from workers.health import health_report
from workers.operations import ids_in_state, listing, reconcile, redrive, reopen
from workers.pipeline import process_document
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home


class BrokenOcr(FakeOcrEngine):
    def read_text(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
        raise TransientFailure("OCR engine unavailable", code="ocr_unavailable")


def _runtime(tmp_path: Path, ocr: FakeOcrEngine | None = None, **limits: int) -> Runtime:
    settings = Settings(home=tmp_path / "home", limits=LimitSettings(**limits),
                        worker=WorkerSettings(max_retries=0))
    prepare_home(settings)
    rt = build_runtime(settings, ocr=ocr or FakeOcrEngine())
    rt.today = lambda: dt.date(2026, 11, 1)
    return rt


def _take(rt: Runtime, source: Path, channel: str = "branch-001") -> str:
    key, sha = rt.store.put(source, move=False)
    with rt.transaction() as s:
        doc, _ = ledger.record_drop(s, Taken(sha, key, source.stat().st_size, channel,
                                             source.name))
        return doc.id


def test_reconciliation_adds_up_and_says_so_loudly_when_a_drop_goes_missing(
    tmp_path: Path, generated: dict[str, Path]
) -> None:
    rt = _runtime(tmp_path)
    doc_id = _take(rt, generated["digital"])
    _take(rt, generated["digital"], channel="branch-002")  # a duplicate drop
    process_document(rt, doc_id)
    report = reconcile(rt)
    assert report["ok"], report
    assert report["channels"]["branch-002"]["duplicates"] == 1
    with rt.transaction() as s:
        s.execute(delete(Drop).where(Drop.channel == "branch-002"))
        s.add(Drop(document_id=doc_id, channel="branch-003", original_name="x",
                   duplicate=False))
    report = reconcile(rt)
    assert not report["ok"]
    assert any("branch-003: 1 file(s) taken but 0 accounted" in p for p in report["problems"])


def test_a_failed_document_is_retried_by_the_operator_with_an_audit_entry(
    tmp_path: Path, generated: dict[str, Path]
) -> None:
    rt = _runtime(tmp_path, ocr=BrokenOcr())
    doc_id = _take(rt, generated["scan"])
    with pytest.raises(TransientFailure):
        process_document(rt, doc_id)
    with rt.transaction() as s:
        doc = ledger.lock(s, doc_id)
        assert doc is not None
        ledger.mark_failed(s, doc, reason="gave up after 0 retries: OCR engine unavailable")
    assert [d.document_id for d in listing(rt, DocState.FAILED)] == [doc_id]
    rt.ocr = FakeOcrEngine()  # the operator fixed the OCR service
    assert reopen(rt, ids_in_state(rt, DocState.FAILED), DocState.FAILED,
                  "retry_requested") == [doc_id]
    assert redrive(rt, [doc_id])[doc_id] in ("archived", "review")
    assert _actions(rt, doc_id)[-3:-1] == ["retry_requested", "processing"]
    assert reopen(rt, [doc_id], DocState.FAILED, "retry_requested") == []  # not failed now


def test_a_quarantined_document_is_released_after_the_limit_is_raised(
    tmp_path: Path, generated: dict[str, Path]
) -> None:
    rt = _runtime(tmp_path, max_bytes=1000)
    doc_id = _take(rt, generated["digital"])
    assert process_document(rt, doc_id).decision == "quarantined"
    rt.close()
    rt = _runtime(tmp_path)  # the operator raised DOSSIER_LIMITS__MAX_BYTES
    assert reopen(rt, [doc_id], DocState.QUARANTINED, "released") == [doc_id]
    assert redrive(rt, [doc_id])[doc_id] in ("archived", "review")
    actions = _actions(rt, doc_id)
    assert actions.count("quarantined") == 1 and "released" in actions
    with rt.transaction() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "released")).one()
        assert entry.actor.startswith("operator:") and "too_large" in entry.detail[
            "previous_reason"]


def _actions(rt: Runtime, doc_id: str) -> list[str]:
    with rt.transaction() as s:
        return list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.document_id == doc_id).order_by(AuditEntry.seq)))


def test_health_report_is_ok_with_every_check_and_names_a_broker_that_is_down(
    tmp_path: Path
) -> None:
    rt = _runtime(tmp_path, min_free_disk_mb=1)
    report = health_report(rt)
    assert set(report["checks"]) == {"database", "broker", "tesseract", "disk"}
    assert report["ok"], report
    settings = rt.settings.model_copy(update={"broker_url": f"redis://127.0.0.1:{free_port()}/0"})
    rt.settings = settings
    report = health_report(rt)
    assert not report["ok"] and not report["checks"]["broker"]["ok"]
    assert report["checks"]["database"]["ok"]


def test_every_document_state_is_reconciled(tmp_path: Path) -> None:
    rt = _runtime(tmp_path)
    with rt.transaction() as s:
        assert s.scalar(select(Document.id)) is None
    assert reconcile(rt) == {"ok": True, "problems": [], "channels": {}}
