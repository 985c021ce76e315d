"""One item as the workspace shows it: the fields (flagged first) with
value, confidence, zone and the rules each breaks; who holds it; what the
viewer may do with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from archive.models import Application, Document, ReviewItem
from review.accounts import Account
from review.context import ReviewContext, as_utc
from review.errors import LeaseHeld, NotActionable, NotFound
from review.four_eyes import grounds
from review.leases import AWAITING_SECOND, OPEN, claim, held_by_other, holder_name
from review.records import originals_of, values_of
from review.roles import Action, allowed
from review.scans import page_count
from validators.masking import SENSITIVE_FIELDS, mask_field


@dataclass(frozen=True)
class FieldIssue:
    code: str
    message_en: str
    message_zh: str
    advisory: bool = False  # a note for the reviewer, not a reason for review


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    type: str
    shown: Any  # masked where the field is sensitive
    maskable: bool
    confidence: float
    threshold: float
    issues: tuple[FieldIssue, ...]
    corrected: bool
    has_zone: bool
    options: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return any(not issue.advisory for issue in self.issues)


@dataclass(frozen=True)
class ItemView:
    item_id: str
    document_id: str
    status: str
    form: str
    channel: str
    original_name: str
    created_at: datetime
    reasons: tuple[str, ...]
    fields: tuple[FieldView, ...]
    other_issues: tuple[FieldIssue, ...]
    four_eyes: tuple[str, ...]
    holder: str | None
    lease_expires: datetime | None
    mine: bool  # the viewer holds the lease and may act
    first_approver: str | None
    return_reason: str | None
    pages: int


def open_item(session: Session, ctx: ReviewContext, item_id: str, account: Account) -> ItemView:
    """Show the item, claiming it when the viewer is one who may act on it
    now; a held or closed item is shown read-only."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound("no such review item")
    if _may_act(item, account) and not held_by_other(item, account, ctx.now()):
        try:
            claim(session, item_id, account, ctx.now(), ctx.settings.lease_minutes)
            session.refresh(item)
        except (LeaseHeld, NotActionable):
            session.refresh(item)  # someone was quicker: show it read-only
    return _view(session, ctx, item, account)


def _may_act(item: ReviewItem, account: Account) -> bool:
    if item.status == OPEN:
        return allowed(account.role, Action.CLAIM)
    if item.status == AWAITING_SECOND:
        return allowed(account.role, Action.SECOND_APPROVE) and item.first_approver != account.id
    return False


def _view(session: Session, ctx: ReviewContext, item: ReviewItem, account: Account) -> ItemView:
    app = session.get(Application, item.application_id)
    doc = session.get(Document, item.document_id)
    if app is None or doc is None:
        raise NotFound("the item's record is missing")
    now = ctx.now()
    expires = as_utc(item.lease_expires)
    live = item.lease_holder is not None and expires is not None and expires > now
    fields, other = _fields(ctx, app, item)
    view = ctx.form(app.form)
    return ItemView(
        item.id, doc.id, item.status, app.form, doc.channel, doc.original_name,
        as_utc(item.created_at) or now, tuple(item.reasons or ()), fields, other,
        tuple(grounds(values_of(ctx, app), originals_of(ctx, item), list(item.reasons),
                      view.policy)) if view else (),
        holder_name(session, item.lease_holder) if live else None, expires if live else None,
        live and item.lease_holder == account.id,
        holder_name(session, item.first_approver) if item.first_approver else None,
        item.return_reason, _pages(ctx, doc),
    )


def _pages(ctx: ReviewContext, doc: Document) -> int:
    return page_count(ctx, doc.store_key, doc.sha256)


def _issues_by_field(app: Application) -> tuple[dict[str, list[FieldIssue]], list[FieldIssue]]:
    by_field: dict[str, list[FieldIssue]] = {}
    other: list[FieldIssue] = []
    for issue in app.issues:
        fi = FieldIssue(issue["code"], issue.get("message_en", ""), issue.get("message_zh", ""),
                        bool(issue.get("advisory", False)))
        keys = issue.get("fields") or []
        for key in keys:
            by_field.setdefault(key, []).append(fi)
        if not keys:
            other.append(fi)
    return by_field, other


def _fields(ctx: ReviewContext, app: Application,
            item: ReviewItem) -> tuple[tuple[FieldView, ...], tuple[FieldIssue, ...]]:
    view = ctx.form(app.form)
    by_field, other = _issues_by_field(app)
    corrected = set(item.original_values or {})
    values = values_of(ctx, app)
    keys = list(view.policy.fields) if view else list(values)
    out = [_field(ctx, app, key, values.get(key), by_field.get(key, []), key in corrected)
           for key in keys]
    # Flagged fields first, each group in form order (sorted is stable).
    return tuple(sorted(out, key=lambda f: not f.flagged)), tuple(other)


def _field(ctx: ReviewContext, app: Application, key: str, value: Any,
           issues: list[FieldIssue], corrected: bool) -> FieldView:
    view = ctx.form(app.form)
    policy = view.policy if view else None
    return FieldView(
        key=key,
        label=policy.label(key) if policy else key,
        type=policy.field_type(key) if policy else "text",
        shown=mask_field(key, value),
        maskable=key in SENSITIVE_FIELDS and value is not None,
        confidence=round(float(app.confidences.get(key, 0.0)), 3),
        threshold=policy.threshold(key) if policy else 0.0,
        issues=tuple(issues),
        corrected=corrected,
        has_zone=bool(view and key in view.zones),
        options=tuple(policy.choices.get(key, ())) if policy else (),
    )
