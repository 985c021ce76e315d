"""Crashes of real processes: a worker killed with SIGKILL in the middle of
OCR, and a message delivered more than once, on Redis + PostgreSQL."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from e2e.harness import cli, drop, environment, running
from faults.rig import (
    FAST,
    Ledger,
    assert_exactly_once,
    children,
    command_of,
    descendants,
    kill,
    throwaway_redis,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]


def _env(home: Path, redis_url: str, db_url: str) -> dict[str, str]:
    return environment(home, DOSSIER_BROKER_URL=redis_url, DOSSIER_DATABASE_URL=db_url,
                       DOSSIER_BROKER_NAMESPACE=f"fault-{uuid.uuid4().hex[:8]}", **FAST)


def _tesseract_under(pid: int) -> bool:
    # An OCR call (not the version check at start-up): it carries --psm.
    return any("tesseract" in (c := command_of(p)) and "--psm" in c for p in descendants(pid))


def _reading(ledger: Ledger, pid: int) -> bool:
    # In-process OCR has no child to see: the document is `processing` and
    # the worker is still at it (a scan takes well over a second to read).
    if ledger.states() != {"processing": 1}:
        return False
    time.sleep(0.3)
    return True


@pytest.mark.tesseract
@pytest.mark.parametrize("backend", ["library", "command"])
def test_a_worker_killed_in_the_middle_of_ocr_completes_the_document_once_after_restart(
    tmp_path: Path, postgres_url: str, scan_form: Path, backend: str
) -> None:
    home = tmp_path / "home"
    with throwaway_redis(tmp_path) as redis:
        env = {**_env(home, redis.url, postgres_url), "DOSSIER_OCR_BACKEND": backend}
        assert cli(["db", "upgrade"], env).returncode == 0
        ledger = Ledger(postgres_url)
        with running(["watch"], env, tmp_path / "watch.log"):
            with running(["worker", "--processes", "1"], env, tmp_path / "w1.log") as first:
                drop([scan_form], home / "inbox" / "branch-001")
                in_ocr = _tesseract_under if backend == "command" else (
                    lambda pid: _reading(ledger, pid))
                wait_until(lambda: in_ocr(first.pid), 60, "no OCR started")
                [child] = children(first.pid)
                kill(child)  # the plug pulled mid-OCR: no ack, no cleanup
                first.wait(30)  # Dramatiq's supervisor stops when a worker dies
            assert ledger.states() == {"processing": 1}
            with running(["worker", "--processes", "1"], env, tmp_path / "w2.log"):
                wait_until(lambda: ledger.settled(1), 90,
                           "the killed worker's message was not redelivered")
        attempts = ledger.rows("SELECT count(*) FROM audit_entries WHERE action='processing'")
        assert attempts[0][0] == 2
        assert_exactly_once(ledger, 1)
        ledger.close()


def test_a_message_delivered_four_times_to_two_workers_makes_one_record(
    tmp_path: Path, postgres_url: str, digital_forms: list[Path]
) -> None:
    from workers.runtime import build_runtime
    from workers.tasks import declare_actors, make_broker

    home = tmp_path / "home"
    with throwaway_redis(tmp_path) as redis:
        env = _env(home, redis.url, postgres_url)
        assert cli(["db", "upgrade"], env).returncode == 0
        ledger = Ledger(postgres_url)
        rt = build_runtime(_settings(env))
        doc_ids = [_register(rt, form) for form in digital_forms[:3]]
        actors = declare_actors(make_broker(rt.settings), lambda: rt)
        for _ in range(4):  # at-least-once delivery, at its worst
            for doc_id in doc_ids:
                actors.enqueue(doc_id)
        with running(["worker", "--processes", "2", "--threads", "2"], env,
                     tmp_path / "w.log"):
            wait_until(lambda: ledger.settled(3), 90, "documents did not finish")
            wait_until(lambda: not _queued(redis.url, rt.settings.broker_namespace), 30,
                       "messages left in the queue")
        assert_exactly_once(ledger, 3)
        rt.close()
        ledger.close()


def _settings(env: dict[str, str]):  # type: ignore[no-untyped-def]
    from config.settings import Settings

    return Settings(home=Path(env["DOSSIER_HOME"]), database_url=env["DOSSIER_DATABASE_URL"],
                    broker_url=env["DOSSIER_BROKER_URL"],
                    broker_namespace=env["DOSSIER_BROKER_NAMESPACE"])


def _register(rt, form: Path) -> str:  # type: ignore[no-untyped-def]
    from archive import ledger
    from archive.ledger import Taken

    key, sha = rt.store.put(form, move=False)
    with rt.transaction() as s:
        doc, _ = ledger.record_drop(s, Taken(sha, key, form.stat().st_size, "b1", form.name))
        return str(doc.id)


def _queued(url: str, namespace: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return int(client.llen(f"{namespace}:documents"))
    finally:
        client.close()
