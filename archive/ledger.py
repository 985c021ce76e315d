"""The ingestion ledger: each document's state, and the records it produces.

Every function here runs inside the caller's transaction and writes the
audit entry for the change it makes, so the state and its audit entry
commit together or not at all.

    received ──▶ processing ──▶ archived | review | quarantined | failed
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import audit
from archive.models import (
    TERMINAL_STATES,
    Application,
    Customer,
    DocState,
    Document,
    Drop,
    ReviewItem,
    utcnow,
)
from archive.records import Sealer
from validators.types import CustomerProfile, Decision

SYSTEM = "system"


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Taken:
    """A file taken into the store: the hash, where it is, where it came from."""

    sha256: str
    store_key: str
    size: int
    channel: str
    name: str


def record_drop(session: Session, taken: Taken, actor: str = SYSTEM) -> tuple[Document, bool]:
    """Register a taken file. Returns (document, is_duplicate): the same
    content taken twice is one document and a second `Drop` row."""
    doc = _by_hash(session, taken.sha256)
    duplicate = doc is not None
    if doc is None:
        doc = _insert_document(session, taken)
        if doc is None:  # another process inserted it first
            doc, duplicate = _by_hash(session, taken.sha256), True
    assert doc is not None
    session.add(
        Drop(
            document_id=doc.id, channel=taken.channel, original_name=taken.name, duplicate=duplicate
        )
    )
    detail = {"channel": taken.channel, "sha256": taken.sha256, "size": taken.size}
    audit.append(
        session,
        actor=actor,
        action="duplicate" if duplicate else "received",
        document_id=doc.id,
        detail=detail,
    )
    return doc, duplicate


def _by_hash(session: Session, sha256: str) -> Document | None:
    return session.scalars(select(Document).where(Document.sha256 == sha256)).first()


def _insert_document(session: Session, taken: Taken) -> Document | None:
    doc = Document(
        id=new_id(),
        sha256=taken.sha256,
        channel=taken.channel,
        original_name=taken.name,
        store_key=taken.store_key,
        size=taken.size,
        state=DocState.RECEIVED,
    )
    try:
        with session.begin_nested():
            session.add(doc)
    except IntegrityError:
        return None
    return doc


def begin_processing(session: Session, document_id: str) -> Document | None:
    """Move a document to `processing`, or return None when it is already
    finished (a message delivered twice does no second piece of work)."""
    doc = lock(session, document_id)
    if doc is None or doc.state in TERMINAL_STATES:
        return None
    doc.state = DocState.PROCESSING
    doc.attempts += 1
    audit.append(
        session,
        actor=SYSTEM,
        action="processing",
        document_id=doc.id,
        detail={"attempt": doc.attempts},
    )
    return doc


def lock(session: Session, document_id: str) -> Document | None:
    """Load a document, locking its row until the transaction ends."""
    stmt = select(Document).where(Document.id == document_id).with_for_update()
    return session.scalars(stmt).first()


def post_decision(
    session: Session,
    doc: Document,
    decision: Decision,
    *,
    source_kind: str,
    raw: dict[str, Any],
    sealer: Sealer,
    personal: frozenset[str],
) -> Application:
    """Store the extracted record, its personal values sealed, and route
    it: archived records are linked to their customer; everything else
    opens a review item."""
    app_id = new_id()
    app = Application(
        id=app_id,
        document_id=doc.id,
        form=decision.form,
        source_kind=source_kind,
        route=decision.route,
        values=sealer.seal_values(decision.values, app_id, personal),
        confidences=dict(decision.confidences),
        issues=[i.as_json() for i in decision.issues],
        raw=sealer.seal(raw, app_id, "raw"),
        profile=decision.profile.as_json() if decision.profile else None,
    )
    session.add(app)
    session.flush()  # the review item and customer link refer to it
    doc.form = decision.form
    if decision.route == "archived":
        app.customer_id = link_customer(session, decision, sealer).id
        doc.state = DocState.ARCHIVED
    else:
        _open_review(session, doc, app, decision)
        doc.state = DocState.REVIEW
    session.flush()
    audit.append(
        session,
        actor=SYSTEM,
        action=doc.state,
        document_id=doc.id,
        detail={"form": decision.form, "codes": decision.reasons, "notes": decision.notes},
    )
    return app


def _open_review(session: Session, doc: Document, app: Application, decision: Decision) -> None:
    session.add(ReviewItem(id=new_id(), document_id=doc.id, application_id=app.id,
                           reasons=decision.reasons))


def link_customer(session: Session, decision: Decision, sealer: Sealer) -> Customer:
    """Find the customer by identity document (blind index), or create one:
    a returning customer is updated, never duplicated. Also used by the
    review workspace when a person approves a record."""
    id_type = str(decision.values.get("id_type"))
    id_number = str(decision.values.get("id_number"))
    index = sealer.id_index(id_type, id_number)
    customer = _customer_by_index(session, id_type, index)
    if customer is None:
        customer = _insert_customer(session, id_type, id_number, index, sealer)
    name = decision.values.get("name")
    customer.name_sealed = None if name is None else sealer.token(name, customer.id, "name")
    if decision.profile is not None:
        _apply_profile(customer, decision.profile)
    customer.updated_at = utcnow()
    session.flush()
    return customer


def _customer_by_index(session: Session, id_type: str, index: str) -> Customer | None:
    stmt = select(Customer).where(Customer.id_type == id_type, Customer.id_index == index)
    return session.scalars(stmt).first()


def _insert_customer(
    session: Session, id_type: str, id_number: str, index: str, sealer: Sealer
) -> Customer:
    customer_id = new_id()
    sealed = sealer.token(id_number, customer_id, "id_number")
    customer = Customer(id=customer_id, id_type=id_type, id_index=index,
                        id_number_sealed=sealed)
    try:
        with session.begin_nested():
            session.add(customer)
    except IntegrityError:  # the same person, inserted by another worker just now
        found = _customer_by_index(session, id_type, index)
        assert found is not None
        return found
    return customer


def _apply_profile(customer: Customer, profile: CustomerProfile) -> None:
    """The latest form sets the profile. A customer whose initial rating
    is low is active at once; medium or high stays in onboarding until a
    person confirms the rating (银发〔2013〕2号: within 10 working days)."""
    customer.tier = profile.tier
    customer.qualified_investor_candidate = profile.qualified_investor_candidate
    customer.tags = list(profile.tags)
    customer.risk_rating = profile.risk
    customer.risk_factors = list(profile.risk_factors)
    if customer.lifecycle_stage != "active" and profile.risk == "low":
        customer.lifecycle_stage = "active"


def quarantine(session: Session, doc: Document, *, code: str, reason: str) -> None:
    _finish(session, doc, DocState.QUARANTINED, code=code, reason=reason)


def mark_failed(session: Session, doc: Document, *, reason: str) -> None:
    _finish(session, doc, DocState.FAILED, code="failed", reason=reason)


def _finish(session: Session, doc: Document, state: DocState, *, code: str, reason: str) -> None:
    doc.state = state
    doc.reason = f"{code}: {reason}"
    audit.append(
        session,
        actor=SYSTEM,
        action=str(state),
        document_id=doc.id,
        detail={"code": code, "reason": reason},
    )


def unfinished(session: Session) -> list[str]:
    """Documents a crash may have left behind (to be re-driven at start-up)."""
    stmt = (
        select(Document.id)
        .where(Document.state.in_([DocState.RECEIVED, DocState.PROCESSING]))
        .order_by(Document.created_at)
    )
    return list(session.scalars(stmt))


def status(session: Session) -> dict[str, Any]:
    """Counts per state and per channel, and the number of duplicate drops."""
    states = {s.value: 0 for s in DocState}
    channels: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(Document.channel, Document.state, func.count()).group_by(
            Document.channel, Document.state
        )
    )
    for channel, state, n in rows:
        states[state] += n
        channels.setdefault(channel, {s.value: 0 for s in DocState})[state] += n
    duplicates = session.scalar(select(func.count()).where(Drop.duplicate.is_(True))) or 0
    return {"states": states, "duplicates": duplicates, "channels": channels}


def reopen(session: Session, doc: Document, *, from_state: str, action: str, actor: str) -> bool:
    """Send a finished document back to `received` for an operator (a
    failed one retried, a quarantined one released); False when it is no
    longer in `from_state` (someone else acted first)."""
    if doc.state != from_state:
        return False
    previous = doc.reason
    doc.state = DocState.RECEIVED
    doc.reason = None
    audit.append(session, actor=actor, action=action, document_id=doc.id,
                 detail={"from": from_state, "previous_reason": (previous or "")[:500]})
    return True
