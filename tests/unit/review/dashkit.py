"""An archive with something to chart: records of generated fictitious
people posted through the ledger (archived, sent to review, quarantined,
failed), migration batches in several states, and reviewers' returns.

Also the direct database counts the dashboard tests compare the charts
with: written here once, against the tables, not through the chart code.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from reviewkit import TODAY, account
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import ledger
from archive.ledger import Taken
from archive.models import Application, AuditEntry, Customer, Document, ReviewItem
from review import decisions, leases
from review.context import ReviewContext
from samplegen.defects import make_form
from validators.profile import build_profile
from validators.recheck import redecide
from workers.runtime import Runtime

_unique = itertools.count()
BRANCHES = ("branch-001", "branch-002", "branch-003")
DEFECTS = ("id_checksum", "mobile_invalid", "pep_edd", "signature_missing", "minor")
PIPELINE_DECISIONS = ("archived", "review", "quarantined", "failed")


def _taken(rt: Runtime, tmp: Path, channel: str) -> Taken:
    """A stored file of its own content (the charts never read it)."""
    path = tmp / f"doc-{next(_unique)}.bin"
    path.write_bytes(f"dashboard test document {path.name}".encode())
    key, sha = rt.store.put(path, move=True)
    return Taken(sha, key, 1, channel, path.name)


def post_form(rt: Runtime, tmp: Path, rng: random.Random, channel: str,
              defect: str | None = None) -> str:
    """A generated person's record decided and posted as the pipeline
    would; returns the document id."""
    values = dict(make_form(rng, TODAY, defect).truth)
    policy = rt.default_form.policy
    decision = redecide(values, {k: 0.99 for k in values}, policy, TODAY)
    decision = replace(decision, profile=build_profile(values, policy))
    with rt.transaction() as session:
        doc, _dup = ledger.record_drop(session, _taken(rt, tmp, channel))
        ledger.begin_processing(session, doc.id)
        ledger.post_decision(session, doc, decision, source_kind="scan", raw={},
                             sealer=rt.sealer, personal=policy.personal_fields)
        return doc.id


def drop_only(rt: Runtime, tmp: Path, channel: str, finish: str | None = None) -> str:
    """A document taken and left `received`, or quarantined / failed."""
    with rt.transaction() as session:
        doc, _dup = ledger.record_drop(session, _taken(rt, tmp, channel))
        if finish is not None:
            ledger.begin_processing(session, doc.id)
            if finish == "quarantined":
                ledger.quarantine(session, doc, code="not_a_form", reason="test")
            else:
                ledger.mark_failed(session, doc, reason="test")
        return doc.id


def seed(rt: Runtime, ctx: ReviewContext, tmp: Path, rng_seed: int = 8) -> None:
    """The whole picture; `ctx` needs users rev1 and rev2 (reviewers)."""
    rng = random.Random(rng_seed)
    for i in range(14):
        post_form(rt, tmp, rng, BRANCHES[i % 3])
    for i, defect in enumerate(DEFECTS * 2):
        post_form(rt, tmp, rng, BRANCHES[i % 2], defect)
    drop_only(rt, tmp, "branch-002", "quarantined")
    drop_only(rt, tmp, "branch-003", "failed")
    for _ in range(3):
        post_form(rt, tmp, rng, "migration/legacy-2019")
    drop_only(rt, tmp, "migration/legacy-2019")
    drop_only(rt, tmp, "migration/legacy-2020", "quarantined")
    drop_only(rt, tmp, "migration/legacy-2020")
    return_items(ctx, {"rev1": 2, "rev2": 1})


def return_items(ctx: ReviewContext, per_reviewer: dict[str, int]) -> None:
    """Reviewers send some open items back to the branch (real services)."""
    with ctx.sessions.begin() as session:
        open_items = list(session.scalars(select(ReviewItem.id).where(
            ReviewItem.status == "open").order_by(ReviewItem.created_at)))
    for name, n in per_reviewer.items():
        who = account(ctx, name)
        for _ in range(n):
            item = open_items.pop()
            with ctx.sessions.begin() as session:
                leases.claim(session, item, who, ctx.now(), 10)
            with ctx.sessions.begin() as session:
                decisions.return_to_branch(session, ctx, item, who, "rescan please")


# --- direct counts, for comparing -------------------------------------------

def decisions_since(session: Session, since: datetime, *actions: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == "system", AuditEntry.action.in_(actions),
        AuditEntry.at >= since.isoformat())) or 0


def reason_occurrences(session: Session) -> int:
    """Codes the pipeline gave the documents it sent to review."""
    details = session.scalars(select(AuditEntry.detail).where(
        AuditEntry.actor == "system", AuditEntry.action == "review"))
    return sum(len(d["codes"]) for d in details)


def waiting_items(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReviewItem).where(
        ReviewItem.status.in_(("open", "awaiting_second")))) or 0


def reviewer_decisions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReviewItem).where(
        ReviewItem.decided_by.is_not(None))) or 0


def migration_documents(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document).where(
        Document.channel.like("migration/%"))) or 0


def current_customers(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Customer).where(
        Customer.relationship_ended_at.is_(None))) or 0


def customers_by(session: Session, column: Any) -> Counter[str]:
    rows = session.execute(select(column, func.count()).group_by(column))
    return Counter({"unknown" if value is None else str(value): int(n) for value, n in rows})


def profile_counts(session: Session, key: str) -> Counter[str]:
    """From every archived record (each test customer has exactly one)."""
    profiles = session.scalars(select(Application.profile).where(
        Application.customer_id.is_not(None)))
    return Counter("unknown" if p.get(key) is None else str(p[key]) for p in profiles)


def new_customers_since(session: Session, since: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Customer).where(
        Customer.created_at >= since)) or 0
