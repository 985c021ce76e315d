"""Leases: whoever opens an item holds it for a while; nobody else acts on it.

The claim is one conditional UPDATE (`… WHERE lease_holder IS NULL OR
lease_holder = me OR lease_expires < now`) judged by its row count, so two
reviewers claiming at once get exactly one winner on SQLite (the write lock)
and on PostgreSQL (the row lock re-checks the WHERE after the first commit).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from archive import audit
from archive.models import ReviewItem, User
from review.accounts import Account
from review.context import as_utc
from review.errors import LeaseHeld, NotActionable, NotFound

OPEN = "open"
AWAITING_SECOND = "awaiting_second"
ACTIONABLE = (OPEN, AWAITING_SECOND)


def claim(session: Session, item_id: str, account: Account, now: datetime,
          minutes: float) -> datetime:
    """Take or renew the lease; returns its expiry or raises LeaseHeld."""
    before = session.execute(
        select(ReviewItem.lease_holder, ReviewItem.lease_expires).where(ReviewItem.id == item_id)
    ).first()
    expires = now + timedelta(minutes=minutes)
    result = session.execute(
        update(ReviewItem)
        .where(
            ReviewItem.id == item_id,
            ReviewItem.status.in_(ACTIONABLE),
            or_(ReviewItem.lease_holder.is_(None), ReviewItem.lease_holder == account.id,
                ReviewItem.lease_expires < now),
        )
        .values(lease_holder=account.id, lease_expires=expires)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _why_not(session, item_id, now)
    if before is None or before.lease_holder != account.id or _expired(before.lease_expires, now):
        audit.append(session, actor=account.name, action="review_claimed",
                     document_id=_document_of(session, item_id), detail={"item": item_id})
    return expires


def _expired(expires: datetime | None, now: datetime) -> bool:
    value = as_utc(expires)
    return value is None or value < now


def _document_of(session: Session, item_id: str) -> str | None:
    return session.scalar(select(ReviewItem.document_id).where(ReviewItem.id == item_id))


def _why_not(session: Session, item_id: str, now: datetime) -> Exception:
    item = session.get(ReviewItem, item_id)
    if item is None:
        return NotFound("no such review item")
    if item.status not in ACTIONABLE:
        return NotActionable(f"the item is already {item.status}")
    return LeaseHeld(f"held by {holder_name(session, item.lease_holder)} "
                     f"until {as_utc(item.lease_expires):%H:%M} UTC")


def holder_name(session: Session, user_id: str | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else "nobody"


def release(session: Session, item_id: str, account: Account) -> bool:
    result = session.execute(
        update(ReviewItem)
        .where(ReviewItem.id == item_id, ReviewItem.lease_holder == account.id)
        .values(lease_holder=None, lease_expires=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def reassign(session: Session, item_id: str, supervisor: Account, to_user: User | None,
             now: datetime, minutes: float) -> None:
    """A supervisor frees an item (to_user None) or hands it to someone."""
    item = locked(session, item_id)
    if item.status not in ACTIONABLE:
        raise NotActionable(f"the item is already {item.status}")
    item.lease_holder = to_user.id if to_user else None
    item.lease_expires = now + timedelta(minutes=minutes) if to_user else None
    audit.append(session, actor=supervisor.name, action="review_reassigned",
                 document_id=item.document_id,
                 detail={"item": item_id, "to": to_user.name if to_user else None})


def locked(session: Session, item_id: str) -> ReviewItem:
    stmt = select(ReviewItem).where(ReviewItem.id == item_id).with_for_update()
    item = session.scalars(stmt).first()
    if item is None:
        raise NotFound("no such review item")
    return item


def require_lease(session: Session, item_id: str, account: Account,
                  now: datetime) -> ReviewItem:
    """The item, locked, when `account` holds a live lease on it."""
    item = locked(session, item_id)
    if item.status not in ACTIONABLE:
        raise NotActionable(f"the item is already {item.status}")
    if item.lease_holder != account.id or _expired(item.lease_expires, now):
        raise LeaseHeld("open the item first: you do not hold it")
    return item


def held_by_other(item: ReviewItem, account: Account, now: datetime) -> bool:
    return (item.lease_holder not in (None, account.id)
            and not _expired(item.lease_expires, now))
