"""End to end: files dropped into an inbox end up archived, in review or in
quarantine, with audit entries for every step — on the embedded defaults
(one `dossier run` process, SQLite) and on Redis + PostgreSQL (separate
`dossier watch` and `dossier worker` processes)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from harness import cli, drop, environment, running, wait_for
from sqlalchemy import create_engine, text

pytestmark = [pytest.mark.e2e, pytest.mark.tesseract]

SETTLE_SECONDS = 420


def truths(examples: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {t["file"]: t for t in
            (json.loads(p.read_text()) for p in sorted(examples.glob("*.truth.json")))}


def drop_the_examples(examples: Path, home: Path, tmp_path: Path) -> None:
    forms = sorted(p for p in examples.iterdir() if not p.name.endswith(".json"))
    drop(forms, home / "inbox" / "branch-001")
    # The same scan again on another channel, and a file that is no image.
    drop([forms[0]], home / "inbox" / "branch-002")
    junk = tmp_path / "minutes.pdf"
    junk.write_text("meeting minutes, not a scan")
    drop([junk], home / "inbox" / "branch-002")


def check_outcome(db_url: str, examples: Path, home: Path, env: dict[str, str]) -> None:
    by_name = _decisions(db_url)
    expected = truths(examples)
    assert set(by_name) == set(expected) | {"minutes.pdf"}
    for name, truth in expected.items():
        state, reasons = by_name[name]
        if truth["expected_decision"] == "review":
            # Never an escape: a rule-breaking form always goes to a person.
            assert state == "review", (name, state)
    # A digital PDF is read exactly: it goes straight through.
    assert by_name["example-02.pdf"][0] == "archived"
    assert "id_checksum" in by_name["example-08.pdf"][1]
    assert by_name["minutes.pdf"][0] == "quarantined"
    reason_files = list((home / "quarantine" / "branch-002").glob("*minutes.pdf.reason.txt"))
    assert reason_files and "unsupported" in reason_files[0].read_text()
    _check_audit(db_url)
    verified = cli(["audit", "verify"], env)
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout


def _decisions(db_url: str) -> dict[str, tuple[str, str]]:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT d.original_name, d.state, r.reasons FROM documents d "
            "LEFT JOIN review_items r ON r.document_id = d.id")).all()
    engine.dispose()
    return {name: (state, str(reasons or "")) for name, state, reasons in rows}


def _check_audit(db_url: str) -> None:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        docs = conn.execute(text("SELECT id, state FROM documents")).all()
        for doc_id, state in docs:
            actions = [a for (a,) in conn.execute(text(
                "SELECT action FROM audit_entries WHERE document_id = :d ORDER BY seq"),
                {"d": doc_id})]
            assert actions[0] == "received" and "processing" in actions, actions
            assert actions[-1] == state, (actions, state)
    engine.dispose()


def test_embedded_run_takes_drops_and_routes_every_file(
    shared_examples: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = environment(home)
    log = tmp_path / "run.log"
    with running(["run"], env, log):
        drop_the_examples(shared_examples, home, tmp_path)
        st = wait_for(env, documents=10, timeout=SETTLE_SECONDS, log=log)
    assert st["duplicates"] == 1
    assert st["states"]["quarantined"] == 1
    assert st["states"]["archived"] + st["states"]["review"] == 9
    assert set(st["channels"]) == {"branch-001", "branch-002"}
    check_outcome(f"sqlite:///{home / 'dossier.db'}", shared_examples, home, env)


@pytest.mark.redis
@pytest.mark.postgres
def test_separate_watch_and_workers_on_redis_and_postgres(
    shared_examples: Path, tmp_path: Path, redis_url: str, postgres_url: str
) -> None:
    home = tmp_path / "home"
    env = environment(home, DOSSIER_BROKER_URL=redis_url, DOSSIER_DATABASE_URL=postgres_url,
                      DOSSIER_BROKER_NAMESPACE=f"dossier-test-{uuid.uuid4().hex[:8]}")
    assert cli(["db", "upgrade"], env).returncode == 0
    with (running(["worker", "--processes", "2", "--threads", "1"], env, tmp_path / "w.log"),
          running(["watch"], env, tmp_path / "watch.log") as watch_log):
        del watch_log
        drop_the_examples(shared_examples, home, tmp_path)
        st = wait_for(env, documents=10, timeout=SETTLE_SECONDS, log=tmp_path / "w.log")
    assert st["duplicates"] == 1
    assert st["states"]["quarantined"] == 1
    assert st["states"]["archived"] + st["states"]["review"] == 9
    check_outcome(postgres_url, shared_examples, home, env)
