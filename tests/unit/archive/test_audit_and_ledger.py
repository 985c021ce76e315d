"""The ledger and the audit chain, on SQLite and on real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from archive import audit, ledger
from archive.db import make_engine, make_sessions, upgrade
from archive.ledger import Taken
from archive.models import DocState
from validators.types import Decision, Issue


@pytest.fixture
def sessions(database_url: str):  # type: ignore[no-untyped-def]
    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_sessions(engine)
    engine.dispose()


def taken(sha: str = "a" * 64, name: str = "scan.png") -> Taken:
    return Taken(sha256=sha, store_key=f"aa/aa/{sha}", size=10, channel="branch-001", name=name)


def clean_decision() -> Decision:
    return Decision("KYC-P01", {"id_type": "resident_id", "id_number": "X1", "name": "N"},
                    {"name": 0.99}, ())


def test_the_same_content_dropped_twice_is_one_document(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        first, dup1 = ledger.record_drop(s, taken())
    with sessions.begin() as s:
        second, dup2 = ledger.record_drop(s, taken(name="copy.png"))
    assert first.id == second.id
    assert (dup1, dup2) == (False, True)
    with sessions.begin() as s:
        st = ledger.status(s)
    assert st["states"]["received"] == 1
    assert st["duplicates"] == 1


def test_a_finished_document_is_not_processed_again(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        doc, _ = ledger.record_drop(s, taken())
        doc_id = doc.id
    with sessions.begin() as s:
        doc = ledger.begin_processing(s, doc_id)
        assert doc is not None
        ledger.post_decision(s, doc, clean_decision(), source_kind="scan", raw={})
    with sessions.begin() as s:
        assert ledger.begin_processing(s, doc_id) is None
        assert ledger.status(s)["states"]["archived"] == 1


def test_a_returning_customer_is_linked_not_duplicated(sessions) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for sha in ("a" * 64, "b" * 64):
        with sessions.begin() as s:
            doc, _ = ledger.record_drop(s, taken(sha))
            ledger.begin_processing(s, doc.id)
            ids.append(ledger.post_decision(s, doc, clean_decision(), source_kind="scan",
                                            raw={}).customer_id)
    assert ids[0] is not None and ids[0] == ids[1]


def test_a_review_decision_opens_a_review_item_with_its_codes(sessions) -> None:  # type: ignore[no-untyped-def]
    issue = Issue("dob_mismatch", ("date_of_birth", "id_number"), "mismatch", "不一致")
    decision = Decision("KYC-P01", {"name": "N"}, {}, (issue,))
    with sessions.begin() as s:
        doc, _ = ledger.record_drop(s, taken())
        ledger.begin_processing(s, doc.id)
        ledger.post_decision(s, doc, decision, source_kind="scan", raw={})
        rows = s.execute(text("SELECT reasons, status FROM review_items")).all()
    assert len(rows) == 1
    assert "dob_mismatch" in str(rows[0][0]) and rows[0][1] == "open"
    with sessions.begin() as s:
        assert ledger.status(s)["states"][DocState.REVIEW] == 1


def write_chain(sessions, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        with sessions.begin() as s:
            audit.append(s, actor="tester", action="test", detail={"i": i})


def test_an_untouched_chain_verifies(sessions) -> None:  # type: ignore[no-untyped-def]
    write_chain(sessions)
    with sessions.begin() as s:
        report = audit.verify(s)
    assert report.ok and report.count == 5


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        ("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3", 3),
        ("DELETE FROM audit_entries WHERE seq = 2", 3),
        ("UPDATE audit_entries SET seq = 99 WHERE seq = 4", 5),
    ],
    ids=["modified", "deleted", "reordered"],
)
def test_tampering_behind_the_application_is_detected(sessions, tamper: str, bad_seq: int) -> None:  # type: ignore[no-untyped-def]
    write_chain(sessions)
    with sessions.begin() as s:
        s.execute(text(tamper))
    with sessions.begin() as s:
        report = audit.verify(s)
    assert not report.ok
    assert report.first_bad_seq == bad_seq


def test_concurrent_appends_keep_one_unbroken_chain(sessions) -> None:  # type: ignore[no-untyped-def]
    def writer() -> None:
        for i in range(10):
            with sessions.begin() as s:
                audit.append(s, actor="w", action="test", detail={"i": i})

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with sessions.begin() as s:
        report = audit.verify(s)
    assert report.ok and report.count == 40


def test_an_archived_customer_carries_tier_risk_and_lifecycle(sessions) -> None:  # type: ignore[no-untyped-def]
    from archive.models import Customer
    from validators.types import CustomerProfile

    def decision(risk: str) -> Decision:
        profile = CustomerProfile("wealth", False, ("tax_non_resident",), risk, ("f",))  # type: ignore[arg-type]
        return Decision("KYC-P01", {"id_type": "resident_id", "id_number": "X1"}, {}, (),
                        profile)

    for sha, risk in (("a" * 64, "medium"), ("b" * 64, "low")):
        with sessions.begin() as s:
            doc, _ = ledger.record_drop(s, taken(sha))
            ledger.begin_processing(s, doc.id)
            app = ledger.post_decision(s, doc, decision(risk), source_kind="scan", raw={})
            customer = s.get(Customer, app.customer_id)
            assert customer is not None
            stage, rating, tier = customer.lifecycle_stage, customer.risk_rating, customer.tier
            assert app.profile is not None and app.profile["risk"] == risk
        # A medium rating waits for a person; the later low one activates.
        assert (stage, rating, tier) == (
            "onboarding" if risk == "medium" else "active", risk, "wealth")
