"""`dossier process`: the whole pipeline, synchronously, on given files."""

from __future__ import annotations

import logging
from pathlib import Path

from archive import ledger
from archive.ledger import Taken
from archive.models import Application, Document
from config.errors import RejectedInput
from validators.types import Issue
from workers.pipeline import (
    Outcome,
    evaluate,
    issue_view,
    outcome_of,
    process_document,
    quarantined,
)
from workers.runtime import Runtime

log = logging.getLogger(__name__)

CHANNEL = "cli"


def process_path(rt: Runtime, path: Path, *, dry_run: bool) -> Outcome:
    if dry_run:
        return _dry_run(rt, path)
    key, sha256 = rt.store.put(path, move=False)
    taken = Taken(sha256, key, path.stat().st_size, CHANNEL, path.name)
    with rt.transaction() as session:
        doc, _duplicate = ledger.record_drop(session, taken, actor="cli")
        doc_id = doc.id
    outcome = process_document(rt, doc_id)
    if outcome.decision == "skipped":
        return stored_outcome(rt, doc_id)
    return outcome


def _dry_run(rt: Runtime, path: Path) -> Outcome:
    try:
        extraction, decision = evaluate(rt, path)
    except RejectedInput as exc:
        return quarantined(None, exc)
    return outcome_of(None, extraction, decision)


def stored_outcome(rt: Runtime, document_id: str) -> Outcome:
    """The earlier result of the same content (it was processed before)."""
    with rt.transaction() as session:
        doc = session.get(Document, document_id)
        assert doc is not None
        app: Application | None = doc.application
        if app is None:
            return Outcome(doc.id, doc.state, reason=doc.reason)
        values = rt.sealer.open_values(app.values, app.id)
        fields = {k: {"value": v, "confidence": app.confidences.get(k, 0.0)}
                  for k, v in values.items()}
        stored = [Issue.from_json(i) for i in app.issues]
        issues = [issue_view(i) for i in stored]
        return Outcome(doc.id, doc.state, app.form, fields, issues)
