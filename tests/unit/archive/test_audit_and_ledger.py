"""The ledger and the audit chain, on SQLite and on real PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from archive import audit, checkpoint, ledger
from archive.db import make_engine, make_sessions, upgrade
from archive.ledger import Taken
from archive.models import AuditEntry, DocState
from validators.types import Decision, Issue


@pytest.fixture
def sessions(database_url: str):  # type: ignore[no-untyped-def]
    upgrade(database_url)
    engine = make_engine(database_url)
    yield make_sessions(engine)
    engine.dispose()


def taken(sha: str = "a" * 64, name: str = "scan.png") -> Taken:
    return Taken(sha256=sha, store_key=f"aa/aa/{sha}", size=10, channel="branch-001", name=name)


PERSONAL = frozenset({"name", "id_number"})


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


def test_a_finished_document_is_not_processed_again(sessions, sealer) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        doc, _ = ledger.record_drop(s, taken())
        doc_id = doc.id
    with sessions.begin() as s:
        doc = ledger.begin_processing(s, doc_id)
        assert doc is not None
        ledger.post_decision(s, doc, clean_decision(), source_kind="scan", raw={},
                                sealer=sealer, personal=PERSONAL)
    with sessions.begin() as s:
        assert ledger.begin_processing(s, doc_id) is None
        assert ledger.status(s)["states"]["archived"] == 1


def test_a_returning_customer_is_linked_not_duplicated(sessions, sealer) -> None:  # type: ignore[no-untyped-def]
    ids = []
    for sha in ("a" * 64, "b" * 64):
        with sessions.begin() as s:
            doc, _ = ledger.record_drop(s, taken(sha))
            ledger.begin_processing(s, doc.id)
            ids.append(ledger.post_decision(s, doc, clean_decision(), source_kind="scan",
                                            raw={}, sealer=sealer, personal=PERSONAL).customer_id)
    assert ids[0] is not None and ids[0] == ids[1]


def test_a_review_decision_opens_a_review_item_with_its_codes(sessions, sealer) -> None:  # type: ignore[no-untyped-def]
    issue = Issue("dob_mismatch", ("date_of_birth", "id_number"), "mismatch", "不一致")
    decision = Decision("KYC-P01", {"name": "N"}, {}, (issue,))
    with sessions.begin() as s:
        doc, _ = ledger.record_drop(s, taken())
        ledger.begin_processing(s, doc.id)
        ledger.post_decision(s, doc, decision, source_kind="scan", raw={},
                                sealer=sealer, personal=PERSONAL)
        rows = s.execute(text("SELECT reasons, status FROM review_items")).all()
    assert len(rows) == 1
    assert "dob_mismatch" in str(rows[0][0]) and rows[0][1] == "open"
    with sessions.begin() as s:
        assert ledger.status(s)["states"][DocState.REVIEW] == 1


def test_a_note_is_kept_with_the_archived_record_and_opens_no_review(sessions, sealer) -> None:  # type: ignore[no-untyped-def]
    note = Issue("id_validity_span", ("id_expiry", "date_of_birth"), "span", "有效期",
                 advisory=True)
    decision = Decision("KYC-P01", {"id_type": "resident_id", "id_number": "X1", "name": "N"},
                        {"name": 0.99}, (note,))
    with sessions.begin() as s:
        doc, _ = ledger.record_drop(s, taken())
        ledger.begin_processing(s, doc.id)
        app = ledger.post_decision(s, doc, decision, source_kind="scan", raw={},
                                   sealer=sealer, personal=PERSONAL)
        assert app.route == "archived" and app.customer_id is not None
        assert [Issue.from_json(i) for i in app.issues] == [note]
        assert s.execute(text("SELECT count(*) FROM review_items")).scalar_one() == 0
        detail = s.scalars(select(AuditEntry.detail).where(AuditEntry.document_id == doc.id)
                           .order_by(AuditEntry.seq.desc())).first()
    assert detail == {"form": "KYC-P01", "codes": [], "notes": ["id_validity_span"]}


def write_chain(sessions, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        with sessions.begin() as s:
            audit.append(s, actor="tester", action="test", detail={"i": i})


def test_an_untouched_chain_verifies(sessions) -> None:  # type: ignore[no-untyped-def]
    write_chain(sessions)
    with sessions.begin() as s:
        report = audit.verify(s)
    assert report.ok and report.count == 5


def bypass_append_only(session) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with the database's own powers can do: switch the
    append-only triggers off."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        session.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_update"))
        session.execute(text("DROP TRIGGER IF EXISTS audit_entries_no_delete"))


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3",
     "DELETE FROM audit_entries WHERE seq = 2"],
    ids=["update", "delete"],
)
def test_the_database_itself_refuses_changes_to_audit_rows(sessions, statement: str) -> None:  # type: ignore[no-untyped-def]
    write_chain(sessions)
    with pytest.raises(DBAPIError, match="append-only"), sessions.begin() as s:
        s.execute(text(statement))


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        ("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3", 3),
        ("DELETE FROM audit_entries WHERE seq = 2", 3),
        ("UPDATE audit_entries SET seq = 99 WHERE seq = 4", 5),
        ("INSERT INTO audit_entries (seq, at, actor, action, detail, prev_hash, hash) "
         "SELECT 6, at, 'mallory', 'approve', detail, hash, substr(hash, 2) || substr(hash, 1, 1) "
         "FROM audit_entries "
         "WHERE seq = 5", 6),
    ],
    ids=["modified", "deleted", "reordered", "inserted"],
)
def test_tampering_behind_the_application_is_detected(sessions, tamper: str, bad_seq: int) -> None:  # type: ignore[no-untyped-def]
    write_chain(sessions)
    with sessions.begin() as s:
        bypass_append_only(s)
        s.execute(text(tamper))
    with sessions.begin() as s:
        report = audit.verify(s)
    assert not report.ok
    assert report.first_bad_seq == bad_seq


def test_a_forged_entry_with_a_correct_plain_hash_fails_the_keyed_chain(database_url: str) -> None:
    """Knowing the hashing scheme is not enough: the chain is keyed."""
    upgrade(database_url)
    engine = make_engine(database_url)
    keyed = make_sessions(engine, audit_key=b"k" * 32)
    write_chain(keyed, 3)
    with keyed.begin() as s:
        head = s.execute(text("SELECT hash FROM audit_entries WHERE seq = 3")).scalar_one()
        forged = {"seq": 4, "at": "2026-01-01T00:00:00+00:00", "actor": "mallory",
                  "action": "approve", "document_id": None, "detail": {}, "prev_hash": head}
        s.execute(text("INSERT INTO audit_entries (seq, at, actor, action, detail, prev_hash, "
                       "hash) VALUES (4, :at, 'mallory', 'approve', '{}', :prev, :hash)"),
                  {"at": forged["at"], "prev": head, "hash": audit.entry_hash(forged)})
    with keyed.begin() as s:
        report = audit.verify(s)
    engine.dispose()
    assert not report.ok and report.first_bad_seq == 4


def test_cutting_off_the_tail_is_caught_by_the_checkpoint(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    upgrade(database_url)
    engine = make_engine(database_url)
    head_file = tmp_path / "audit" / "head.json"
    factory = make_sessions(engine, checkpoint_file=head_file)
    write_chain(factory, 5)
    assert checkpoint.read(head_file) == checkpoint.Checkpoint(5, _hash_of(factory, 5))
    with factory.begin() as s:
        bypass_append_only(s)
        s.execute(text("DELETE FROM audit_entries WHERE seq >= 4"))
    with factory.begin() as s:
        plain = audit.verify(s)
        guarded = audit.verify(s, checkpoint.read(head_file))
    engine.dispose()
    assert plain.ok  # a shortened chain is still consistent in itself…
    assert not guarded.ok and guarded.first_bad_seq == 4  # …but not with the checkpoint
    assert "cut off" in (guarded.problem or "")


def _hash_of(factory, seq: int) -> str:  # type: ignore[no-untyped-def]
    with factory.begin() as s:
        return str(s.execute(text("SELECT hash FROM audit_entries WHERE seq = :q"),
                             {"q": seq}).scalar_one())


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


def test_an_archived_customer_carries_tier_risk_and_lifecycle(sessions, sealer) -> None:  # type: ignore[no-untyped-def]
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
            app = ledger.post_decision(s, doc, decision(risk), source_kind="scan", raw={},
                                sealer=sealer, personal=PERSONAL)
            customer = s.get(Customer, app.customer_id)
            assert customer is not None
            stage, rating, tier = customer.lifecycle_stage, customer.risk_rating, customer.tier
            assert app.profile is not None and app.profile["risk"] == risk
        # A medium rating waits for a person; the later low one activates.
        assert (stage, rating, tier) == (
            "onboarding" if risk == "medium" else "active", risk, "wealth")


def test_audit_entries_are_indexed_by_action_and_time(database_url: str) -> None:
    # The dashboard's windowed counts (actions per hour since a date) need it.
    from sqlalchemy import inspect

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        indexes = {ix["name"]: ix["column_names"]
                   for ix in inspect(engine).get_indexes("audit_entries")}
    finally:
        engine.dispose()
    assert indexes.get("ix_audit_entries_action_at") == ["action", "at"]
    assert "ix_audit_entries_action" not in indexes  # its prefix serves those queries
