"""What an operator asks of a running installation: does every file add up,
what failed, what is quarantined, and re-driving them.

Re-driving resets the document to `received` (audited, in the ledger) and
then sends it on: through the broker when there is one (Redis), otherwise
synchronously right here. The embedded service's in-memory broker cannot be
reached from another process, and it need not be: the ledger's row lock
and state checks make this process and a running `dossier run` safe side
by side, and a document left in `received` by an interrupted command is
re-driven at the service's next start.
"""

from __future__ import annotations

import datetime as dt
import getpass
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import ledger
from archive.models import Application, AuditEntry, DocState, Document, Drop
from config.errors import DossierError
from inbox.report import printable, read_report
from workers.pipeline import process_document
from workers.runtime import Runtime
from workers.tasks import declare_actors, make_broker

log = logging.getLogger(__name__)

WITH_RECORD = (DocState.ARCHIVED, DocState.REVIEW)
IN_FLIGHT = (DocState.RECEIVED, DocState.PROCESSING)


def reconcile(rt: Runtime) -> dict[str, Any]:
    """Per channel: files taken = documents by state + duplicate drops.
    Also every archived/review document has its record and every document
    its stored file. `ok` is False, with `problems`, when anything is off."""
    with rt.transaction() as session:
        _snapshot(session)
        channels = _channel_counts(session)
        missing_records = _missing_records(session)
        keys = list(session.execute(select(Document.id, Document.store_key)))
    problems = [f"channel {c}: {v['taken']} file(s) taken but {v['accounted']} accounted for"
                for c, v in sorted(channels.items()) if not v["adds_up"]]
    if missing_records:
        problems.append(f"{len(missing_records)} archived/review document(s) without a record: "
                        + ", ".join(missing_records[:5]))
    missing_files = [doc_id for doc_id, key in keys if not rt.store.exists(key)]
    if missing_files:
        problems.append(f"{len(missing_files)} document(s) whose stored file is missing: "
                        + ", ".join(missing_files[:5]))
    return {"ok": not problems, "problems": problems, "channels": channels}


def _snapshot(session: Session) -> None:
    # One consistent view: counts taken while files keep arriving must
    # still add up.
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _channel_counts(session: Session) -> dict[str, dict[str, Any]]:
    taken = dict(session.execute(select(Drop.channel, func.count()).group_by(Drop.channel)).all())
    dups = dict(session.execute(select(Drop.channel, func.count())
                                .where(Drop.duplicate.is_(True)).group_by(Drop.channel)).all())
    states: dict[str, Counter[str]] = {}
    for channel, state, n in session.execute(
            select(Document.channel, Document.state, func.count())
            .group_by(Document.channel, Document.state)):
        states.setdefault(channel, Counter())[state] = n
    rejected = _rejected_at_intake(session)
    out = {}
    for channel in sorted(set(taken) | set(states) | set(rejected)):
        by_state = states.get(channel, Counter())
        accounted = sum(by_state.values()) + dups.get(channel, 0)
        out[channel] = {
            "taken": taken.get(channel, 0), "duplicates": dups.get(channel, 0),
            "in_flight": sum(by_state[s] for s in IN_FLIGHT),
            "states": {s.value: by_state[s.value] for s in DocState},
            "rejected_at_intake": rejected.get(channel, 0),
            "accounted": accounted, "adds_up": accounted == taken.get(channel, 0),
        }
    return out


def _rejected_at_intake(session: Session) -> Counter[str]:
    details = session.scalars(select(AuditEntry.detail)
                              .where(AuditEntry.action == "rejected_at_intake"))
    return Counter(str(d.get("channel", "?")) for d in details)


def _missing_records(session: Session) -> list[str]:
    stmt = (select(Document.id).outerjoin(Application, Application.document_id == Document.id)
            .where(Document.state.in_(WITH_RECORD), Application.id.is_(None)))
    return list(session.scalars(stmt))


def watcher_state(rt: Runtime) -> dict[str, Any]:
    """The watcher's status file: its problems and when it was last alive."""
    report = read_report(rt.settings.watcher_status_file)
    if report is None:
        return {"seen": False, "problems": []}
    try:
        updated = dt.datetime.fromisoformat(str(report["updated_at"]))
        age = (dt.datetime.now(dt.UTC) - updated).total_seconds()
    except (KeyError, ValueError):
        age = float("inf")
    alive = age <= max(3 * rt.settings.inbox.rescan_seconds, 30.0)
    return {"seen": True, "alive": alive, "age_seconds": round(age, 1), **report}


@dataclass(frozen=True)
class Listed:
    document_id: str
    channel: str
    name: str
    reason: str
    attempts: int
    updated_at: str


def listing(rt: Runtime, state: DocState) -> list[Listed]:
    stmt = select(Document).where(Document.state == state).order_by(Document.updated_at)
    with rt.transaction() as session:
        return [Listed(d.id, d.channel, printable(d.original_name), d.reason or "", d.attempts,
                       d.updated_at.isoformat(timespec="seconds"))
                for d in session.scalars(stmt)]


def rejected_listing(rt: Runtime, limit: int = 200) -> list[dict[str, Any]]:
    """Entries turned away at the inbox (symlinks, folders, empty files):
    no document, only their reason file in quarantine."""
    stmt = (select(AuditEntry.at, AuditEntry.detail)
            .where(AuditEntry.action == "rejected_at_intake")
            .order_by(AuditEntry.seq.desc()).limit(limit))
    with rt.transaction() as session:
        return [{"at": at, **detail} for at, detail in session.execute(stmt)]


def reopen(rt: Runtime, ids: list[str], from_state: DocState, action: str) -> list[str]:
    """Reset each document that is still in `from_state` to `received`."""
    actor = f"operator:{getpass.getuser()}"
    reopened = []
    for doc_id in ids:
        with rt.transaction() as session:
            doc = ledger.lock(session, doc_id)
            if doc is not None and ledger.reopen(session, doc, from_state=from_state,
                                                 action=action, actor=actor):
                reopened.append(doc_id)
    return reopened


def ids_in_state(rt: Runtime, state: DocState) -> list[str]:
    with rt.transaction() as session:
        return list(session.scalars(select(Document.id).where(Document.state == state)))


def redrive(rt: Runtime, ids: list[str]) -> dict[str, str]:
    """Send reopened documents on; returns id → what happened."""
    if rt.settings.broker_url:
        actors = declare_actors(make_broker(rt.settings), lambda: rt)
        for doc_id in ids:
            actors.enqueue(doc_id)
        return dict.fromkeys(ids, "queued")
    return {doc_id: _process_here(rt, doc_id) for doc_id in ids}


def _process_here(rt: Runtime, doc_id: str) -> str:
    try:
        return process_document(rt, doc_id).decision
    except Exception as exc:  # no broker to retry: record why, as the last retry would
        reason = f"{getattr(exc, 'code', type(exc).__name__)}: {exc}"
        with rt.transaction() as session:
            doc = ledger.lock(session, doc_id)
            if doc is not None and doc.state == DocState.PROCESSING:
                ledger.mark_failed(session, doc, reason=f"re-driven by an operator: {reason}")
        if not isinstance(exc, DossierError):
            log.exception("document %s failed", doc_id)
        return "failed"
