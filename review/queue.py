"""The exception queue: open items oldest first, with an SLA marker,
filters by reason, channel and form, and counts per reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, func, select, true
from sqlalchemy.orm import Session, aliased

from archive.models import Document, ReviewItem, User
from review.context import as_utc
from review.leases import OPEN


@dataclass(frozen=True)
class QueueFilter:
    reason: str | None = None
    channel: str | None = None
    form: str | None = None
    status: str = OPEN


@dataclass(frozen=True)
class QueueRow:
    item_id: str
    document_id: str
    created_at: datetime
    age_hours: float
    sla: str  # ok | due | late
    reasons: tuple[str, ...]
    channel: str
    form: str | None
    status: str
    holder: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    counts: dict[str, int]
    channels: list[str]
    forms: list[str]


def _reason_like(code: str) -> Any:
    # Reasons are a JSON list; its text form holds each code in quotes, on
    # SQLite and PostgreSQL alike.
    return cast(ReviewItem.reasons, String).like(f'%"{code}"%')


def _filtered(stmt: Any, flt: QueueFilter, *, with_reason: bool = True) -> Any:
    stmt = stmt.where(ReviewItem.status == flt.status)
    if flt.channel:
        stmt = stmt.where(Document.channel == flt.channel)
    if flt.form:
        stmt = stmt.where(Document.form == flt.form)
    if with_reason and flt.reason:
        stmt = stmt.where(_reason_like(flt.reason))
    return stmt


def sla_of(age: timedelta, sla_hours: float) -> str:
    hours = age.total_seconds() / 3600
    if hours >= sla_hours:
        return "late"
    return "due" if hours >= 0.75 * sla_hours else "ok"


def list_items(session: Session, flt: QueueFilter, now: datetime, sla_hours: float,
               limit: int, offset: int = 0) -> tuple[list[QueueRow], int]:
    holder = aliased(User)
    live_holder = case((ReviewItem.lease_expires >= now, holder.name), else_=None)
    base = select(ReviewItem.id).join(Document, Document.id == ReviewItem.document_id)
    total = session.scalar(select(func.count()).select_from(_filtered(base, flt).subquery()))
    stmt = (
        select(ReviewItem.id, ReviewItem.document_id, ReviewItem.created_at, ReviewItem.reasons,
               ReviewItem.status, Document.channel, Document.form, live_holder)
        .join(Document, Document.id == ReviewItem.document_id)
        .outerjoin(holder, holder.id == ReviewItem.lease_holder)
        .order_by(ReviewItem.created_at, ReviewItem.id)
        .limit(limit).offset(offset)
    )
    rows = [_row(r, now, sla_hours) for r in session.execute(_filtered(stmt, flt))]
    return rows, int(total or 0)


def _row(r: Any, now: datetime, sla_hours: float) -> QueueRow:
    created = as_utc(r.created_at)
    assert created is not None
    age = now - created
    return QueueRow(r.id, r.document_id, created, round(age.total_seconds() / 3600, 1),
                    sla_of(age, sla_hours), tuple(r.reasons or ()), r.channel, r.form,
                    r.status, r[7])


def reason_counts(session: Session, flt: QueueFilter) -> dict[str, int]:
    """Items per reason code under the other filters: the reasons' JSON
    list unnested and grouped in the database (one pass, whatever the
    number of codes)."""
    dialect = session.get_bind().dialect.name
    unnest = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    code = unnest(ReviewItem.reasons).table_valued("value")
    stmt = (select(code.c.value, func.count()).select_from(ReviewItem)
            .join(Document, Document.id == ReviewItem.document_id).join(code, true())
            .group_by(code.c.value))
    rows = session.execute(_filtered(stmt, flt, with_reason=False))
    return dict(sorted((str(value), int(n)) for value, n in rows))


def facets(session: Session, status: str) -> tuple[list[str], list[str]]:
    """The channels and forms that have items, for the filter menus."""
    stmt = (select(Document.channel, Document.form).join(
        ReviewItem, ReviewItem.document_id == Document.id)
        .where(ReviewItem.status == status).distinct())
    pairs = session.execute(stmt).all()
    return sorted({p.channel for p in pairs}), sorted({p.form for p in pairs if p.form})


def queue_page(session: Session, flt: QueueFilter, now: datetime, sla_hours: float,
               limit: int, offset: int = 0) -> QueuePage:
    rows, total = list_items(session, flt, now, sla_hours, limit, offset)
    channels, forms = facets(session, flt.status)
    return QueuePage(rows, total, reason_counts(session, flt), channels, forms)


def status_counts(session: Session) -> dict[str, int]:
    stmt = select(ReviewItem.status, func.count()).group_by(ReviewItem.status)
    return {status: int(n) for status, n in session.execute(stmt)}
