"""Read-only views for supervisors, auditors and operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import audit, ledger
from archive.models import AuditEntry, ReviewItem, User
from review.context import as_utc
from review.leases import ACTIONABLE, OPEN
from review.queue import status_counts


@dataclass(frozen=True)
class Lease:
    item_id: str
    holder: str
    expires: datetime


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    late: int
    oldest: datetime | None
    leases: list[Lease]


def dashboard(session: Session, now: datetime, sla_hours: float) -> Dashboard:
    cutoff = now - timedelta(hours=sla_hours)
    late = session.scalar(select(func.count()).where(
        ReviewItem.status == OPEN, ReviewItem.created_at < cutoff)) or 0
    oldest = session.scalar(select(func.min(ReviewItem.created_at)).where(
        ReviewItem.status == OPEN))
    rows = session.execute(
        select(ReviewItem.id, User.name, ReviewItem.lease_expires)
        .join(User, User.id == ReviewItem.lease_holder)
        .where(ReviewItem.status.in_(ACTIONABLE), ReviewItem.lease_expires >= now)
        .order_by(ReviewItem.lease_expires)
    )
    leases = [Lease(r[0], r[1], as_utc(r[2]) or now) for r in rows]
    return Dashboard(status_counts(session), int(late), as_utc(oldest), leases)


def audit_tail(session: Session, limit: int) -> list[dict[str, Any]]:
    """The newest entries (their details hold masked values only)."""
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    return [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
             "document_id": e.document_id, "detail": e.detail} for e in session.scalars(stmt)]


def verify_chain(session: Session) -> dict[str, Any]:
    report = audit.verify(session)
    return {"ok": report.ok, "count": report.count, "head": report.head,
            "first_bad_seq": report.first_bad_seq, "problem": report.problem}


def channel_status(session: Session, channels: tuple[str, ...] | None) -> dict[str, Any]:
    """Documents per state for the given channels (None: all of them)."""
    data = ledger.status(session)
    if channels is None:
        return data
    mine = {c: n for c, n in data["channels"].items() if c in channels}
    states = {s: sum(n[s] for n in mine.values()) for s in data["states"]}
    return {"states": states, "channels": mine}
