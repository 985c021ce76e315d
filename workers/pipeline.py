"""One document through the stages, top-down like a recipe.

    begin (ledger) → extract (extractors) → decide (validators) → post (archive)

Each stage is a plain function; the Dramatiq actors and `dossier process`
both call `process_document`. Bad input is quarantined here and never
retried; any other error propagates so the broker retries with backoff.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import ledger
from config.errors import RejectedInput
from extractors import extract
from extractors.loader import check_size
from extractors.types import Extraction
from validators.decide import decide
from validators.types import Decision, Issue
from workers import deadline, metrics, quarantine
from workers.runtime import Form, Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What happened to one document (also the `dossier process --json` line)."""

    document_id: str | None
    decision: str  # archived | review | quarantined | failed | skipped
    form: str | None = None
    fields: dict[str, dict[str, Any]] | None = None
    issues: list[dict[str, Any]] | None = None
    reason: str | None = None


@dataclass(frozen=True)
class _Claimed:
    document_id: str
    store_key: str
    channel: str
    name: str
    size: int


def process_document(rt: Runtime, document_id: str) -> Outcome:
    claimed = _begin(rt, document_id)
    if claimed is None:
        return Outcome(document_id, "skipped", reason="already finished")
    form = rt.default_form
    try:
        check_size(claimed.size, rt.limits)  # before decrypting a file we would refuse
    except RejectedInput as exc:
        return _quarantine(rt, claimed, exc, plain=None)
    with deadline.within(rt.settings.limits.seconds_per_document):
        # Decrypted in memory only: no plain copy of a customer's form is
        # ever written to disk for reading it.
        content = rt.store.read_bytes(claimed.store_key)
        try:
            with metrics.timed("extract"):
                extraction = _extract_known_form(rt, content, form)
        except RejectedInput as exc:
            return _quarantine(rt, claimed, exc, plain=content)
    with metrics.timed("validate"):
        decision = decide(extraction, form.policy, rt.today())
    with metrics.timed("store"):
        _post(rt, claimed, extraction, decision)
    log.info("document %s → %s %s notes %s", document_id, decision.route,
             decision.reasons, decision.notes)
    return outcome_of(document_id, extraction, decision)


def evaluate(rt: Runtime, path: Path, form: Form | None = None) -> tuple[Extraction, Decision]:
    """Extract and decide without touching the archive (`--dry-run`)."""
    form = form or rt.default_form
    with deadline.within(rt.settings.limits.seconds_per_document):
        extraction = _extract_known_form(rt, path, form)
    return extraction, decide(extraction, form.policy, rt.today())


def _extract_known_form(rt: Runtime, source: Path | bytes, form: Form) -> Extraction:
    """Extract, and refuse a digital PDF that carries none of the form's
    markers: a form of another type would otherwise reach review as a
    page of empty fields. (Scans of other forms fail alignment already.)"""
    extraction = extract(source, form.template, rt.ocr, rt.limits)
    markers = form.template.markers
    if extraction.source_kind == "digital" and markers and not any(
        m in extraction.text for m in markers
    ):
        raise RejectedInput(
            f"not a {form.template.form_id} form: none of its markers ({', '.join(markers)}) "
            "is in the text; a form of another type?", code="not_a_form")
    return extraction


def _begin(rt: Runtime, document_id: str) -> _Claimed | None:
    with rt.transaction() as session:
        doc = ledger.begin_processing(session, document_id)
        if doc is None:
            return None
        return _Claimed(doc.id, doc.store_key, doc.channel, doc.original_name, doc.size)


def _post(rt: Runtime, claimed: _Claimed, extraction: Extraction, decision: Decision) -> None:
    with rt.transaction() as session:
        doc = ledger.lock(session, claimed.document_id)
        if doc is None or doc.state != "processing":
            return  # another delivery finished it meanwhile: nothing twice
        ledger.post_decision(session, doc, decision, source_kind=extraction.source_kind,
                             raw=raw_readings(extraction), sealer=rt.sealer,
                             personal=rt.default_form.policy.personal_fields)


def _quarantine(
    rt: Runtime, claimed: _Claimed, exc: RejectedInput, *, plain: bytes | None
) -> Outcome:
    """Record the rejection and leave the operator a copy with its reason:
    the decrypted file (`plain`) when it was read, else the store's path."""
    with rt.transaction() as session:
        doc = ledger.lock(session, claimed.document_id)
        mine = doc is not None and doc.state == "processing"
        if mine:
            ledger.quarantine(session, doc, code=exc.code, reason=str(exc))
    if mine:  # a second delivery writes no second reason file
        reason = (f"{exc.code}: {exc}\ndocument {claimed.document_id}; once the cause is "
                  f"fixed: dossier quarantine release {claimed.document_id}")
        # The operator needs to open the file: the quarantine copy is plain.
        # One too big to read was never decrypted: the note names the store file.
        quarantine.place(rt.settings.quarantine_dir, claimed.channel, claimed.name,
                         rt.store.path(claimed.store_key), reason=reason, move=False,
                         copy_limit=rt.settings.limits.max_bytes, content=plain)
    return _quarantined_logged(claimed, exc)


def _quarantined_logged(claimed: _Claimed, exc: RejectedInput) -> Outcome:
    log.warning("document %s quarantined: %s", claimed.document_id, exc.code)
    return quarantined(claimed.document_id, exc)


def quarantined(document_id: str | None, exc: RejectedInput) -> Outcome:
    issue = {"field": None, "code": exc.code, "message": str(exc)}
    return Outcome(document_id, "quarantined", fields={}, issues=[issue],
                   reason=f"{exc.code}: {exc}")


def raw_readings(extraction: Extraction) -> dict[str, Any]:
    """What the reader saw, kept for the reviewer."""
    return {
        key: {"raw": r.raw, "confidence": r.confidence, "marked": list(r.marked),
              "present": r.present, "candidates": list(r.candidates),
              "agreement": r.agreement,
              "readings": [{"engine": e.engine, "text": e.text, "confidence": e.confidence}
                           for e in r.readings]}
        for key, r in extraction.fields.items()
    }


def issue_view(issue: Issue) -> dict[str, Any]:
    return {"field": issue.field, "code": issue.code, "message": issue.message,
            "advisory": issue.advisory}


def outcome_of(document_id: str | None, extraction: Extraction, decision: Decision) -> Outcome:
    fields = {
        key: {"value": value, "confidence": round(decision.confidences.get(key, 0.0), 4)}
        for key, value in decision.values.items()
    }
    issues = [issue_view(i) for i in decision.issues]
    return Outcome(document_id, decision.route, extraction.form, fields, issues)
