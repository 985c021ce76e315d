"""Customer-level obligations: finding a customer by ID number, legal
hold, the end of the relationship, retention, and a person's own copy of
their data (PIPL Art. 44–47; AML Law: records kept ≥ 10 years after the
relationship ends).

Nothing here deletes while a hold is set, and every action is audited
without personal data in the audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from archive import audit
from archive.models import Application, Customer, Document, Drop, ReviewItem, utcnow
from archive.records import Sealer


def find(session: Session, sealer: Sealer, id_number: str,
         id_type: str | None = None) -> Customer | None:
    """By blind index: no customer row is decrypted to search. Without a
    type, every ID type the archive holds is tried (the index is keyed by
    type, so each needs its own lookup)."""
    kinds = (id_type,) if id_type else session.scalars(select(Customer.id_type).distinct())
    for kind in kinds:
        stmt = select(Customer).where(Customer.id_type == kind,
                                      Customer.id_index == sealer.id_index(kind, id_number))
        found = session.scalars(stmt).first()
        if found is not None:
            return found
    return None


def place_hold(session: Session, customer: Customer, *, reason: str, actor: str) -> None:
    """A deletion request or an investigation: keep everything, remove
    nothing, until the hold is released."""
    customer.legal_hold, customer.legal_hold_reason = True, reason
    customer.legal_hold_since = utcnow()
    audit.append(session, actor=actor, action="legal_hold_placed",
                 detail={"customer_id": customer.id, "reason": reason})


def release_hold(session: Session, customer: Customer, *, actor: str) -> None:
    customer.legal_hold, customer.legal_hold_reason, customer.legal_hold_since = False, None, None
    audit.append(session, actor=actor, action="legal_hold_released",
                 detail={"customer_id": customer.id})


def end_relationship(session: Session, customer: Customer, *, when: dt.datetime,
                     actor: str) -> None:
    customer.relationship_ended_at = when
    customer.lifecycle_stage = "closed"
    audit.append(session, actor=actor, action="relationship_ended",
                 detail={"customer_id": customer.id, "ended_at": when.isoformat()})


@dataclass(frozen=True)
class Removal:
    customer_id: str
    documents: list[str]
    store_keys: list[str]


def due_for_removal(session: Session, *, now: dt.datetime, years: int) -> list[Customer]:
    """Customers whose relationship ended more than `years` ago, not on hold."""
    cutoff = _years_before(now, years)
    stmt = select(Customer).where(Customer.relationship_ended_at.is_not(None),
                                  Customer.relationship_ended_at <= cutoff,
                                  Customer.legal_hold.is_(False))
    return list(session.scalars(stmt))


def remove(session: Session, customer: Customer, *, actor: str, years: int) -> Removal:
    """Delete the customer, their applications, documents and review items,
    and record what went (ids and counts only). The caller deletes the
    store files after the commit, so a failed commit deletes nothing."""
    apps = list(session.scalars(select(Application).where(
        Application.customer_id == customer.id)))
    doc_ids = [a.document_id for a in apps]
    keys = list(session.scalars(select(Document.store_key).where(Document.id.in_(doc_ids))))
    session.execute(delete(ReviewItem).where(ReviewItem.document_id.in_(doc_ids)))
    session.execute(delete(Application).where(Application.customer_id == customer.id))
    session.execute(delete(Drop).where(Drop.document_id.in_(doc_ids)))
    session.execute(delete(Document).where(Document.id.in_(doc_ids)))
    session.delete(customer)
    audit.append(session, actor=actor, action="retention_removed",
                 detail={"customer_id": customer.id, "documents": doc_ids,
                         "retention_years": years})
    return Removal(customer.id, doc_ids, keys)


def export(session: Session, sealer: Sealer, customer: Customer,
           *, actor: str) -> dict[str, Any]:
    """Everything held about one person, decrypted (the access right).
    Audited as an export; the caller writes it only where the requester
    gets it."""
    apps = session.scalars(select(Application).where(
        Application.customer_id == customer.id).order_by(Application.created_at)).all()
    audit.append(session, actor=actor, action="customer_exported",
                 detail={"customer_id": customer.id, "applications": len(apps)})
    return {
        "customer": _customer_json(sealer, customer),
        "applications": [_application_json(sealer, a) for a in apps],
    }


def _customer_json(sealer: Sealer, c: Customer) -> dict[str, Any]:
    return {
        "id": c.id, "id_type": c.id_type,
        "id_number": sealer.open_token(c.id_number_sealed, c.id, "id_number"),
        "name": sealer.open_token(c.name_sealed, c.id, "name"),
        "tier": c.tier, "risk_rating": c.risk_rating, "risk_factors": c.risk_factors,
        "tags": c.tags, "lifecycle_stage": c.lifecycle_stage,
        "created_at": c.created_at.isoformat(),
        "relationship_ended_at": _iso(c.relationship_ended_at),
        "legal_hold": c.legal_hold,
    }


def _application_json(sealer: Sealer, a: Application) -> dict[str, Any]:
    return {
        "id": a.id, "document_id": a.document_id, "form": a.form, "route": a.route,
        "values": sealer.open_values(a.values, a.id),
        "issues": [i["code"] for i in a.issues if not i.get("advisory")],
        "notes": [i["code"] for i in a.issues if i.get("advisory")],
        "created_at": a.created_at.isoformat(),
    }


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _years_before(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)
