"""What a reviewer does to an item: correct a field, approve, return it to
the branch, reveal a masked value. Each runs inside the caller's
transaction and writes its audit entry there (masked values only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from archive import audit, ledger
from archive.models import Application, DocState, Document, ReviewItem
from review.accounts import Account
from review.context import ReviewContext
from review.errors import Forbidden, InvalidInput, NotActionable, NotFound
from review.four_eyes import grounds
from review.leases import AWAITING_SECOND, OPEN, require_lease
from review.records import originals_of, store_originals, store_values, value_of, values_of
from review.roles import Action, allowed
from validators.masking import SENSITIVE_FIELDS, mask_field
from validators.policy import FormPolicy
from validators.recheck import carried_issues, normalise_input, redecide
from validators.types import Decision, Issue

HUMAN_CONFIDENCE = 1.0
MAX_REASON = 500


@dataclass(frozen=True)
class Outcome:
    status: str
    reasons: list[str]
    four_eyes: list[str]


def _application(session: Session, item: ReviewItem) -> Application:
    app = session.get(Application, item.application_id)
    if app is None:
        raise NotFound("the item's record is missing")
    return app


def _policy(ctx: ReviewContext, app: Application) -> FormPolicy:
    view = ctx.form(app.form)
    if view is None:
        raise NotActionable(f"form {app.form!r} is not configured here")
    return view.policy


def _redecide(ctx: ReviewContext, app: Application, values: dict[str, Any],
              touched: set[str]) -> Decision:
    carried = carried_issues([Issue.from_json(i) for i in app.issues], touched)
    return redecide(values, app.confidences, _policy(ctx, app), ctx.today(), carried)


def correct(session: Session, ctx: ReviewContext, item_id: str, account: Account,
            key: str, text: str) -> Outcome:
    """Set field `key` to what the reviewer typed (the same value again
    confirms it) and re-validate the record at once."""
    item = require_lease(session, item_id, account, ctx.now())
    if item.status != OPEN:
        raise NotActionable("the item awaits its second approval; it cannot change now")
    app = _application(session, item)
    policy = _policy(ctx, app)
    if key not in policy.fields:
        raise InvalidInput(f"the form has no field {key!r}")
    normalised = normalise_input(key, text, policy)
    if normalised.issue:
        raise InvalidInput(f"{policy.label(key)}: {normalised.issue}")
    values, originals = values_of(ctx, app), originals_of(ctx, item)
    before = values.get(key)
    originals.setdefault(key, before)
    values[key] = normalised.value
    app.confidences = {**app.confidences, key: HUMAN_CONFIDENCE}
    decision = _redecide(ctx, app, values, set(originals))
    store_values(ctx, app, values, policy)
    store_originals(ctx, item, originals, policy)
    _store_decision(app, item, decision)
    audit.append(session, actor=account.name, action="review_corrected",
                 document_id=item.document_id,
                 detail={"item": item.id, "field": key,
                         "before": mask_field(key, before, policy.personal_fields),
                         "after": mask_field(key, normalised.value, policy.personal_fields),
                         "codes": item.reasons})
    return Outcome(item.status, list(item.reasons), grounds(values, originals, item.reasons,
                                                            policy))


def _store_decision(app: Application, item: ReviewItem, decision: Decision) -> None:
    app.issues = [i.as_json() for i in decision.issues]
    item.reasons = decision.reasons
    if decision.profile is not None:
        app.profile = decision.profile.as_json()


def _grounds(ctx: ReviewContext, app: Application, item: ReviewItem) -> list[str]:
    return grounds(values_of(ctx, app), originals_of(ctx, item), list(item.reasons),
                   _policy(ctx, app))


def approve(session: Session, ctx: ReviewContext, item_id: str, account: Account) -> Outcome:
    """First approval, or the final one. Four-eyes items stop after the
    first and wait for a different supervisor."""
    now = ctx.now()
    current = session.get(ReviewItem, item_id)
    if current is not None and current.status == AWAITING_SECOND:
        _check_second(current, account)  # refuse by role before anything else
    item = require_lease(session, item_id, account, now)
    app = _application(session, item)
    if not value_of(ctx, app, "id_type") or not value_of(ctx, app, "id_number"):
        raise InvalidInput("an ID type and number are needed to archive the record")
    needs = _grounds(ctx, app, item)
    if item.status == AWAITING_SECOND:
        _check_second(item, account)
        return _archive(session, ctx, item, app, account, needs)
    if needs:
        item.status, item.first_approver, item.first_approved_at = AWAITING_SECOND, account.id, now
        item.lease_holder = item.lease_expires = None
        audit.append(session, actor=account.name, action="review_first_approval",
                     document_id=item.document_id, detail={"item": item.id, "grounds": needs})
        return Outcome(item.status, list(item.reasons), needs)
    return _archive(session, ctx, item, app, account, needs)


def _check_second(item: ReviewItem, account: Account) -> None:
    if not allowed(account.role, Action.SECOND_APPROVE):
        raise Forbidden("a second approval needs a supervisor")
    if item.first_approver == account.id:
        raise Forbidden("the second approval must come from a different person")


def _archive(session: Session, ctx: ReviewContext, item: ReviewItem, app: Application,
             account: Account, needs: list[str]) -> Outcome:
    values, originals = values_of(ctx, app), originals_of(ctx, item)
    decision = _redecide(ctx, app, values, set(originals))
    _store_decision(app, item, decision)
    app.customer_id = ledger.link_customer(session, decision, ctx.sealer).id
    doc = session.get(Document, item.document_id)
    assert doc is not None
    doc.state = DocState.ARCHIVED
    _close(item, "approved", account, ctx)
    audit.append(session, actor=account.name, action="review_approved",
                 document_id=item.document_id,
                 detail=_approval_detail(item, values, originals, needs,
                                         _policy(ctx, app).personal_fields))
    return Outcome(item.status, list(item.reasons), needs)


def _approval_detail(item: ReviewItem, values: dict[str, Any], originals: dict[str, Any],
                     needs: list[str], personal: frozenset[str]) -> dict[str, Any]:
    """Every field's before and after, masked: the audit never holds
    personal data in plain text."""
    fields = {
        key: {"before": mask_field(key, originals.get(key, value), personal),
              "after": mask_field(key, value, personal),
              "changed": originals.get(key, value) != value}
        for key, value in values.items()
    }
    return {"item": item.id, "first_approver": item.first_approver,
            "four_eyes": needs, "codes": list(item.reasons), "fields": fields}


def _close(item: ReviewItem, status: str, account: Account, ctx: ReviewContext) -> None:
    item.status, item.closed_at, item.decided_by = status, ctx.now(), account.id
    item.lease_holder = item.lease_expires = None


def return_to_branch(session: Session, ctx: ReviewContext, item_id: str, account: Account,
                     reason: str) -> Outcome:
    """Close the item and send the form back to the branch with a reason.
    This never rejects the customer: the branch contacts them and rescans."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(f"give a reason (1–{MAX_REASON} characters)")
    item = require_lease(session, item_id, account, ctx.now())
    doc = session.get(Document, item.document_id)
    assert doc is not None
    doc.state = DocState.RETURNED
    item.return_reason = reason
    _close(item, "returned", account, ctx)
    audit.append(session, actor=account.name, action="review_returned",
                 document_id=item.document_id, detail={"item": item.id, "reason": reason})
    return Outcome(item.status, list(item.reasons), [])


def reveal(session: Session, ctx: ReviewContext, item_id: str, account: Account,
           key: str) -> Any:
    """The plain value of one masked field; the reading is audited."""
    if not allowed(account.role, Action.REVEAL):
        raise Forbidden("your role may not reveal personal data")
    if key not in SENSITIVE_FIELDS:
        raise InvalidInput(f"{key!r} is not a masked field")
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound("no such review item")
    app = _application(session, item)
    audit.append(session, actor=account.name, action="review_revealed",
                 document_id=item.document_id, detail={"item": item.id, "field": key})
    return value_of(ctx, app, key)
