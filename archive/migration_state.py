"""What a bulk migration has done, kept in the database so a run can resume.

A `MigrationFile` row is written in the same transaction as the ledger's
`Drop` for that file (see `workers.migration.take`): either both exist or
neither, so a run killed at any instant resumes without taking a file twice,
and a second run over the same tree finds every file already dealt with.
Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from archive import audit
from archive.ledger import new_id
from archive.models import (
    DocState,
    Document,
    Drop,
    LegacyRecord,
    MigrationFile,
    MigrationRun,
    ReviewItem,
    utcnow,
)
from archive.records import Sealer
from config.errors import DossierError

CHANNEL_PREFIX = "migration/"
UNFINISHED = (DocState.RECEIVED, DocState.PROCESSING)


class JobBusy(DossierError):
    """Another process is running the same migration job right now."""

    exit_code = 2
    code = "migration_busy"


@dataclass(frozen=True)
class Legacy:
    """One register row's metadata for a document."""

    register: str
    row: int
    customer_number: str | None = None
    branch: str | None = None
    account_opened: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class FileFacts:
    """A source file as the walk saw it, and what the take made of it."""

    path: str
    size: int
    mtime_ns: int
    sha256: str | None
    document_id: str | None
    outcome: str  # taken | duplicate | rejected
    reason: str | None = None
    register_row: int | None = None


def start_run(session: Session, *, job: str, channel: str, source: str,
              register: str | None, stale_after: dt.timedelta) -> MigrationRun:
    """Open a run; a `running` row of the same job whose heartbeat stopped
    (killed, rebooted) becomes `interrupted`; a live one refuses the start."""
    now = utcnow()
    for old in session.scalars(select(MigrationRun).where(
            MigrationRun.job == job, MigrationRun.status == "running").with_for_update()):
        if _alive(old, now - stale_after):
            raise JobBusy(f"migration job {job!r} is already running (pid {old.pid} on "
                          f"{old.host}, run {old.id}); wait for it or stop it first")
        old.status, old.finished_at = "interrupted", old.heartbeat_at
    run = MigrationRun(id=new_id(), job=job, channel=channel, source=source, register=register,
                       status="running", counts={}, pid=os.getpid(), host=socket.gethostname(),
                       started_at=now, heartbeat_at=now)
    session.add(run)
    audit.append(session, actor="migration", action="migration_started",
                 detail={"job": job, "run": run.id, "source": source})
    return run


def heartbeat(session: Session, run_id: str, *, files_found: int, taken: int,
              counts: dict[str, int]) -> None:
    run = session.get(MigrationRun, run_id)
    if run is not None:
        run.heartbeat_at = utcnow()
        run.files_found, run.taken, run.counts = files_found, taken, dict(counts)


def finish_run(session: Session, run_id: str, *, status: str, counts: dict[str, int],
               report: str | None, message: str | None = None) -> None:
    run = session.get(MigrationRun, run_id)
    if run is None:
        return
    run.status, run.counts, run.report, run.message = status, dict(counts), report, message
    run.finished_at = run.heartbeat_at = utcnow()
    audit.append(session, actor="migration", action="migration_finished",
                 detail={"job": run.job, "run": run_id, "status": status, "counts": counts})


def known_files(session: Session, job: str) -> dict[str, MigrationFile]:
    rows = session.scalars(select(MigrationFile).where(MigrationFile.job == job))
    return {row.path: row for row in rows}


def record_file(session: Session, job: str, run_id: str, facts: FileFacts) -> None:
    """Insert or replace the row of one source path (a changed file is
    taken again and its row updated)."""
    row = session.get(MigrationFile, (job, facts.path)) or MigrationFile(job=job, path=facts.path)
    row.run_id, row.size, row.mtime_ns = run_id, facts.size, facts.mtime_ns
    row.sha256, row.document_id, row.outcome = facts.sha256, facts.document_id, facts.outcome
    row.reason, row.register_row, row.taken_at = facts.reason, facts.register_row, utcnow()
    session.add(row)


def attach_legacy(session: Session, document_id: str, job: str, legacy: Legacy,
                  sealer: Sealer) -> bool:
    """Keep the register's metadata with the document, unless it already
    has some (the same content listed twice: the first row wins)."""
    if session.get(LegacyRecord, document_id) is not None:
        return False
    seal = lambda value, field: (  # noqa: E731
        None if value is None else sealer.token(value, document_id, field))
    session.add(LegacyRecord(
        document_id=document_id, job=job, register=legacy.register, register_row=legacy.row,
        customer_number_sealed=seal(legacy.customer_number, "legacy_customer_number"),
        branch=legacy.branch, account_opened=legacy.account_opened,
        notes_sealed=seal(legacy.notes, "legacy_notes")))
    return True


def open_legacy(record: LegacyRecord, sealer: Sealer) -> dict[str, Any]:
    """The legacy metadata in plain text (the caller audits who reads it)."""
    return {
        "register": record.register, "register_row": record.register_row,
        "customer_number": sealer.open_token(record.customer_number_sealed,
                                             record.document_id, "legacy_customer_number"),
        "branch": record.branch, "account_opened": record.account_opened,
        "notes": sealer.open_token(record.notes_sealed, record.document_id, "legacy_notes"),
    }


def unfinished_documents(session: Session, channel: str,
                         states: tuple[str, ...] = UNFINISHED) -> list[str]:
    stmt = (select(Document.id).where(Document.channel == channel, Document.state.in_(states))
            .order_by(Document.created_at))
    return list(session.scalars(stmt))


def in_flight(session: Session, channel: str) -> int:
    stmt = select(func.count()).where(Document.channel == channel,
                                      Document.state.in_(UNFINISHED))
    return int(session.scalar(stmt) or 0)


def live_backlog(session: Session, waiting_since: dt.datetime) -> int:
    """Live (non-migration) documents waiting for a worker. Only recent
    ones count: an old one has lost its message and waits for the sweep,
    not for a worker, and must not stop migration for that long."""
    stmt = select(func.count()).where(
        Document.state == DocState.RECEIVED, Document.updated_at >= waiting_since,
        ~Document.channel.startswith(CHANNEL_PREFIX, autoescape=True))
    return int(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class FileState:
    """A file row of a job with where its document stands now."""

    row: MigrationFile
    state: str | None
    reason: str | None
    review_reasons: tuple[str, ...]


def job_files(session: Session, job: str) -> list[FileState]:
    stmt = (select(MigrationFile, Document.state, Document.reason, ReviewItem.reasons)
            .outerjoin(Document, Document.id == MigrationFile.document_id)
            .outerjoin(ReviewItem, ReviewItem.document_id == MigrationFile.document_id)
            .where(MigrationFile.job == job).order_by(MigrationFile.path))
    return [FileState(row, state, reason, tuple(codes or ()))
            for row, state, reason, codes in session.execute(stmt)]


def decision_of(outcome: str, state: str | None) -> str:
    """One word per file: rejected | duplicate | pending | the document's state."""
    if outcome in ("rejected", "duplicate"):
        return outcome
    return "pending" if state in (None, *UNFINISHED) else str(state)


def job_counts(session: Session, job: str) -> dict[str, int]:
    """Files of a job per decision (the progress bar and `dossier status`)."""
    stmt = (select(MigrationFile.outcome, Document.state, func.count())
            .outerjoin(Document, Document.id == MigrationFile.document_id)
            .where(MigrationFile.job == job)
            .group_by(MigrationFile.outcome, Document.state))
    counts: dict[str, int] = {}
    for outcome, state, n in session.execute(stmt):
        decision = decision_of(outcome, state)
        counts[decision] = counts.get(decision, 0) + n
    return counts


def channel_drops(session: Session, channel: str) -> int:
    return int(session.scalar(select(func.count()).where(Drop.channel == channel)) or 0)


def orphan_documents(session: Session, job: str, channel: str) -> list[str]:
    """Documents of the job's channel that no file row accounts for."""
    accounted = select(MigrationFile.document_id).where(MigrationFile.job == job,
                                                        MigrationFile.document_id.is_not(None))
    stmt = select(Document.id).where(Document.channel == channel, Document.id.not_in(accounted))
    return list(session.scalars(stmt))


def latest_runs(session: Session) -> list[MigrationRun]:
    """The most recent run of every job."""
    newest = (select(MigrationRun.job, func.max(MigrationRun.started_at).label("at"))
              .group_by(MigrationRun.job).subquery())
    stmt = (select(MigrationRun).join(newest, and_(MigrationRun.job == newest.c.job,
                                                   MigrationRun.started_at == newest.c.at))
            .order_by(MigrationRun.job))
    return list(session.scalars(stmt))


def _alive(run: MigrationRun, fresh_since: dt.datetime) -> bool:
    """A run is alive while its heartbeat is fresh; on this host, also
    only while its process exists (a run killed a second ago is resumed at
    once, not after the heartbeat goes stale)."""
    if _aware(run.heartbeat_at) <= fresh_since:
        return False
    if run.host != socket.gethostname() or run.pid is None:
        return True
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns.
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
