"""The review services on SQLite and PostgreSQL: leases, corrections
re-validated at once, approval into the archive, four-eyes, return to
branch, reveal, and audit entries that hold no plain personal data."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from reviewkit import account, make_item, truth_values
from sqlalchemy import select

from archive import audit
from archive.models import Application, AuditEntry, Customer, Document, ReviewItem
from review import decisions, leases
from review.context import ReviewContext
from review.errors import Forbidden, InvalidInput, LeaseHeld, NotActionable
from review.items import open_item
from review.queue import QueueFilter, queue_page
from workers.runtime import Runtime


def _claim(ctx: ReviewContext, item: str, who: str) -> None:
    with ctx.sessions.begin() as s:
        leases.claim(s, item, account(ctx, who), ctx.now(), ctx.settings.lease_minutes)


def _audit_text(ctx: ReviewContext) -> str:
    with ctx.sessions.begin() as s:
        return json.dumps([e.detail for e in s.scalars(select(AuditEntry))], ensure_ascii=False)


def test_two_reviewers_claiming_at_once_have_exactly_one_winner(
        rt: Runtime, ctx: ReviewContext, tmp_path: Path) -> None:
    item = make_item(rt, tmp_path)
    reviewers = [account(ctx, n) for n in ("rev1", "rev2", "sup1", "sup2")]
    start, results = threading.Barrier(len(reviewers)), {}

    def attempt(who: object) -> None:
        start.wait()
        try:
            with ctx.sessions.begin() as s:
                leases.claim(s, item, who, ctx.now(), 10)  # type: ignore[arg-type]
            results[who.name] = "won"  # type: ignore[attr-defined]
        except LeaseHeld:
            results[who.name] = "lost"  # type: ignore[attr-defined]

    threads = [threading.Thread(target=attempt, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == ["lost", "lost", "lost", "won"]
    with ctx.sessions.begin() as s:
        holder = s.get(ReviewItem, item).lease_holder  # type: ignore[union-attr]
    winner = next(n for n, r in results.items() if r == "won")
    assert holder == account(ctx, winner).id


def test_an_expired_lease_frees_the_item(rt: Runtime, ctx: ReviewContext,
                                         tmp_path: Path) -> None:
    item = make_item(rt, tmp_path)
    _claim(ctx, item, "rev1")
    with pytest.raises(LeaseHeld):
        _claim(ctx, item, "rev2")
    later = ctx.now() + timedelta(minutes=11)
    ctx.now = lambda: later
    _claim(ctx, item, "rev2")


def test_nobody_acts_on_an_item_held_by_someone_else(rt: Runtime, ctx: ReviewContext,
                                                     tmp_path: Path) -> None:
    item = make_item(rt, tmp_path)
    _claim(ctx, item, "rev1")
    for act in (lambda s, a: decisions.approve(s, ctx, item, a),
                lambda s, a: decisions.correct(s, ctx, item, a, "address", "北京市"),
                lambda s, a: decisions.return_to_branch(s, ctx, item, a, "rescan")):
        with pytest.raises(LeaseHeld), ctx.sessions.begin() as s:
            act(s, account(ctx, "rev2"))
    with ctx.sessions.begin() as s:
        view = open_item(s, ctx, item, account(ctx, "rev2"))
    assert not view.mine and view.holder == "rev1"


def test_a_correction_is_revalidated_and_approval_archives_the_customer(
        rt: Runtime, ctx: ReviewContext, tmp_path: Path) -> None:
    values = truth_values()
    good_id = values["id_number"]
    values["mobile"] = "12345"  # mobile_invalid
    item = make_item(rt, tmp_path, values, low=())
    rev = account(ctx, "rev1")
    _claim(ctx, item, "rev1")
    with ctx.sessions.begin() as s, pytest.raises(InvalidInput):
        decisions.correct(s, ctx, item, rev, "date_of_birth", "not a date")
    with ctx.sessions.begin() as s:
        out = decisions.correct(s, ctx, item, rev, "mobile", "13837680477")
    assert out.reasons == []
    with ctx.sessions.begin() as s:
        out = decisions.approve(s, ctx, item, rev)
    assert out.status == "approved"
    with ctx.sessions.begin() as s:
        it = s.get(ReviewItem, item)
        doc = s.get(Document, it.document_id)  # type: ignore[union-attr]
        assert doc is not None and doc.state == "archived"
        customers = list(s.scalars(select(Customer)))
        assert len(customers) == 1
        # Tier and risk come from the corrected record, as without review.
        assert (customers[0].tier, customers[0].risk_rating) == ("mass", "low")
        app = s.get(Application, it.application_id)  # type: ignore[union-attr]
        assert app is not None and app.profile is not None and app.profile["tier"] == "mass"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "review_approved")).one()
        assert entry.actor == "rev1"
        assert entry.detail["fields"]["mobile"] == {"before": "1****", "after": "138****0477",
                                                    "changed": True}
        assert audit.verify(s).ok
    text = _audit_text(ctx)
    assert good_id not in text and "13837680477" not in text and values["name"] not in text


def test_a_pep_item_needs_a_second_different_supervisor(rt: Runtime, ctx: ReviewContext,
                                                        tmp_path: Path) -> None:
    item = make_item(rt, tmp_path, sample="review-pep_edd", low=())
    sup1, sup2, rev2 = (account(ctx, n) for n in ("sup1", "sup2", "rev2"))
    _claim(ctx, item, "sup1")
    with ctx.sessions.begin() as s:
        out = decisions.approve(s, ctx, item, sup1)
    assert out.status == "awaiting_second" and "pep_edd" in out.four_eyes
    with ctx.sessions.begin() as s:  # the first approver cannot also be the second
        view = open_item(s, ctx, item, sup1)
        assert not view.mine
    with pytest.raises(Forbidden), ctx.sessions.begin() as s:
        decisions.approve(s, ctx, item, sup1)
    _claim(ctx, item, "rev2")  # a reviewer may hold it but not give the second approval
    with pytest.raises(Forbidden), ctx.sessions.begin() as s:
        decisions.approve(s, ctx, item, rev2)
    with ctx.sessions.begin() as s:
        leases.release(s, item, rev2)
        view = open_item(s, ctx, item, sup2)
        assert view.mine
    with ctx.sessions.begin() as s:
        assert decisions.approve(s, ctx, item, sup2).status == "approved"


def test_correcting_the_id_number_needs_four_eyes(rt: Runtime, ctx: ReviewContext,
                                                  tmp_path: Path) -> None:
    values = truth_values()
    good = values["id_number"]
    values["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    item = make_item(rt, tmp_path, values, low=())
    _claim(ctx, item, "rev1")
    rev, account_sup1 = account(ctx, "rev1"), account(ctx, "sup1")
    with ctx.sessions.begin() as s:
        assert "id_checksum" in s.get(ReviewItem, item).reasons  # type: ignore[union-attr]
        out = decisions.correct(s, ctx, item, rev, "id_number", good)
    assert out.reasons == [] and out.four_eyes == ["id_number_corrected"]
    with ctx.sessions.begin() as s:
        assert decisions.approve(s, ctx, item, rev).status == "awaiting_second"
    _claim(ctx, item, "sup1")
    with pytest.raises(NotActionable), ctx.sessions.begin() as s:  # frozen until approved
        decisions.correct(s, ctx, item, account_sup1, "address", "北京市")


def test_return_to_branch_closes_the_item_with_a_reason(rt: Runtime, ctx: ReviewContext,
                                                        tmp_path: Path) -> None:
    item = make_item(rt, tmp_path)
    _claim(ctx, item, "rev1")
    with pytest.raises(InvalidInput), ctx.sessions.begin() as s:
        decisions.return_to_branch(s, ctx, item, account(ctx, "rev1"), "  ")
    with ctx.sessions.begin() as s:
        decisions.return_to_branch(s, ctx, item, account(ctx, "rev1"), "scan unreadable")
    with ctx.sessions.begin() as s:
        it = s.get(ReviewItem, item)
        assert it is not None and it.status == "returned" and it.return_reason
        assert s.get(Document, it.document_id).state == "returned"  # type: ignore[union-attr]
        assert s.scalars(select(Customer)).first() is None  # nobody was rejected or archived
        page = queue_page(s, QueueFilter(), ctx.now(), 24, 50)
    assert page.total == 0


def test_reveal_is_audited_and_the_queue_filters_and_counts(rt: Runtime, ctx: ReviewContext,
                                                            tmp_path: Path) -> None:
    first = make_item(rt, tmp_path, low=("address",), channel="branch-001")
    make_item(rt, tmp_path, sample="review-pep_edd", low=(), channel="branch-002")
    rev1, aud = account(ctx, "rev1"), account(ctx, "aud")
    with ctx.sessions.begin() as s:
        value = decisions.reveal(s, ctx, first, rev1, "id_number")
        assert value == truth_values()["id_number"]
        assert s.scalars(select(AuditEntry).where(
            AuditEntry.action == "review_revealed")).one().detail["field"] == "id_number"
        with pytest.raises(Forbidden):
            decisions.reveal(s, ctx, first, aud, "id_number")
        page = queue_page(s, QueueFilter(), ctx.now(), 24, 50)
        assert page.total == 2 and page.counts["pep_edd"] == 1
        assert page.counts["low_confidence"] == 1
        assert page.rows[0].item_id == first  # oldest first
        assert queue_page(s, QueueFilter(reason="pep_edd"), ctx.now(), 24, 50).total == 1
        assert queue_page(s, QueueFilter(channel="branch-001"), ctx.now(), 24, 50).total == 1
        # Counts follow the other filters.
        branch2 = queue_page(s, QueueFilter(channel="branch-002"), ctx.now(), 24, 50).counts
        assert branch2["pep_edd"] == 1 and "low_confidence" not in branch2


def test_the_item_view_shows_flagged_fields_first_and_masks(rt: Runtime, ctx: ReviewContext,
                                                            tmp_path: Path) -> None:
    item = make_item(rt, tmp_path, low=("address",))
    with ctx.sessions.begin() as s:
        view = open_item(s, ctx, item, account(ctx, "rev1"))
    assert view.mine and view.pages == 1
    assert view.fields[0].key == "address" and view.fields[0].flagged
    shown = {f.key: f.shown for f in view.fields}
    number = truth_values()["id_number"]
    assert shown["id_number"] == number[:6] + "*" * 8 + number[-4:]
    assert shown["mobile"] == "138****0477"
    assert shown["name"].startswith(truth_values()["name"][0]) and "*" in shown["name"]
