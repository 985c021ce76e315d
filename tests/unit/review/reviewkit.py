"""Test support for the review workspace: a runtime on a fresh home, review
items made from the shipped fictitious samples, users of every role."""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archive import ledger
from archive.ledger import Taken
from archive.models import ReviewItem
from config.settings import Settings
from extractors.ocr import FakeOcrEngine
from review import accounts
from review.context import ReviewContext
from review.serve import context_from
from review.settings import ReviewSettings
from validators.recheck import redecide
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "samples"
TODAY = date(2026, 11, 1)  # the shipped samples were signed in the year before
PASSWORD = "correct-horse-battery"
ROLES = ("operator", "reviewer", "supervisor", "auditor", "admin")
_unique = itertools.count()


def make_runtime(home: Path, database_url: str) -> Runtime:
    settings = Settings(home=home, database_url=database_url)
    prepare_home(settings)
    rt = build_runtime(settings, ocr=FakeOcrEngine())
    rt.today = lambda: TODAY
    return rt


def make_context(rt: Runtime, **overrides: Any) -> ReviewContext:
    return context_from(rt, ReviewSettings(**overrides))


def truth_values(name: str = "clean") -> dict[str, Any]:
    return dict(json.loads((SAMPLES / f"{name}.truth.json").read_text("utf-8"))["fields"])


def sample_file(name: str) -> Path:
    return next(p for p in SAMPLES.glob(f"{name}.*") if not p.name.endswith(".json"))


def make_item(rt: Runtime, tmp: Path, values: dict[str, Any] | None = None, *,
              sample: str = "clean", low: tuple[str, ...] = ("address",),
              channel: str = "branch-001") -> str:
    """Post a record with `values` (default: the sample's truth) whose
    `low` fields were read with low confidence; returns the review item id."""
    values = dict(values if values is not None else truth_values(sample))
    confidences = {k: (0.5 if k in low else 0.99) for k in values}
    policy = rt.default_form.policy
    decision = redecide(values, confidences, policy, TODAY)
    assert decision.issues, "a review item needs at least one issue"
    source = sample_file(sample)
    copy = tmp / f"{next(_unique)}-{source.name}"
    shutil.copyfile(source, copy)
    with copy.open("ab") as fh:  # distinct content: each copy is its own document
        fh.write(f"\n%unique {copy.name}\n".encode())
    key, sha = rt.store.put(copy, move=True)
    with rt.transaction() as session:
        doc, _dup = ledger.record_drop(session, Taken(sha, key, 1, channel, source.name))
        ledger.begin_processing(session, doc.id)
        ledger.post_decision(session, doc, decision, source_kind="scan", raw={},
                             sealer=rt.sealer, personal=policy.personal_fields)
        session.flush()
        return str(session.scalar(select(ReviewItem.id).where(
            ReviewItem.document_id == doc.id)))


def add_users(ctx: ReviewContext, *names_roles: tuple[str, str],
              channels: tuple[str, ...] = ("branch-001",)) -> None:
    with ctx.sessions.begin() as session:
        for name, role in names_roles:
            accounts.add_user(session, name, role, PASSWORD, actor="test",
                              channels=channels if role == "operator" else ())


def account(ctx: ReviewContext, name: str) -> accounts.Account:
    with ctx.sessions.begin() as session:
        user = accounts.by_name(session, name)
        assert user is not None
        return accounts.account_of(user)
