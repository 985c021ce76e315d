"""Outages under real processes: Redis stopped and restarted mid-batch,
PostgreSQL unreachable for 30 s, the document store full or read-only."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e.harness import cli, drop, environment, running
from faults.rig import FAST, Ledger, TcpProxy, assert_exactly_once, throwaway_redis, wait_until

pytestmark = [pytest.mark.e2e]


def _namespace() -> str:
    return f"fault-{uuid.uuid4().hex[:8]}"


def _finished(ledger: Ledger) -> int:
    st = ledger.states()
    return sum(st.values()) - st.get("received", 0) - st.get("processing", 0)


@pytest.mark.redis
@pytest.mark.postgres
def test_redis_stopped_and_restarted_mid_batch_loses_nothing_and_repeats_nothing(
    tmp_path: Path, postgres_url: str, digital_forms: list[Path]
) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox" / "branch-001"
    with throwaway_redis(tmp_path) as redis:
        env = environment(home, DOSSIER_BROKER_URL=redis.url, DOSSIER_DATABASE_URL=postgres_url,
                          DOSSIER_BROKER_NAMESPACE=_namespace(),
                          DOSSIER_WORKER__REDRIVE_AFTER_SECONDS="4", **FAST)
        assert cli(["db", "upgrade"], env).returncode == 0
        ledger = Ledger(postgres_url)
        with (running(["watch"], env, tmp_path / "watch.log"),
              running(["worker", "--processes", "1", "--threads", "2"], env, tmp_path / "w.log")):
            drop(digital_forms[:8], inbox)
            wait_until(lambda: _finished(ledger) >= 2, 180, "the batch did not start")
            redis.stop()  # queued messages are gone with it: no persistence
            drop(digital_forms[8:12], inbox)
            wait_until(lambda: sum(ledger.states().values()) == 12, 30,
                       "files were not taken while Redis was down")
            time.sleep(2)
            redis.start()
            wait_until(lambda: ledger.settled(12), 90, "the batch did not complete")
        assert_exactly_once(ledger, 12)
        assert ledger.count("drops") == 12
        ledger.close()


@pytest.mark.redis
@pytest.mark.postgres
def test_postgres_unreachable_for_30_seconds_then_everything_completes_once(
    tmp_path: Path, postgres_url: str, digital_forms: list[Path]
) -> None:
    base, name = postgres_url.rsplit("/", 1)
    target_port = int(base.rsplit(":", 1)[1])
    proxy = TcpProxy(target_port)
    proxy.restore()
    proxied = f"{base.rsplit(':', 1)[0]}:{proxy.port}/{name}"
    home = tmp_path / "home"
    inbox = home / "inbox" / "branch-001"
    with throwaway_redis(tmp_path) as redis:
        env = environment(home, DOSSIER_BROKER_URL=redis.url, DOSSIER_DATABASE_URL=proxied,
                          DOSSIER_BROKER_NAMESPACE=_namespace(), **FAST)
        assert cli(["db", "upgrade"], env).returncode == 0
        ledger = Ledger(postgres_url)  # the test itself goes around the proxy
        try:
            with (running(["watch"], env, tmp_path / "watch.log"),
                  running(["worker", "--processes", "1", "--threads", "2"], env,
                          tmp_path / "w.log")):
                drop(digital_forms[:6], inbox)
                wait_until(lambda: sum(ledger.states().values()) >= 3, 60, "nothing taken")
                proxy.cut()
                drop(digital_forms[6:9], inbox)
                problems = wait_until(lambda: _watcher_problems(home), 20,
                                      "the watcher did not say why files wait")
                assert any("database_unavailable" in p["reason"] for p in problems)
                time.sleep(30)
                assert len(list(inbox.iterdir())) >= 3, "files stay in the inbox meanwhile"
                proxy.restore()
                wait_until(lambda: ledger.settled(9), 90, "did not complete after the outage")
                wait_until(lambda: not _watcher_problems(home), 20, "problems not cleared")
        finally:
            proxy.cut()
        assert_exactly_once(ledger, 9)
        assert ledger.count("drops") == 9
        ledger.close()


def _watcher_problems(home: Path) -> list[dict]:  # type: ignore[type-arg]
    try:
        return list(json.loads((home / "watcher-status.json").read_text())["problems"])
    except (OSError, ValueError):
        return []


@contextlib.contextmanager
def tiny_filesystem(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _remount(where: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(where)], check=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small filesystem needs root")
def test_store_full_or_read_only_keeps_files_in_the_inbox_says_why_and_recovers(
    tmp_path: Path, digital_forms: list[Path]
) -> None:
    home = tmp_path / "home"
    inbox = home / "inbox" / "branch-001"
    env = environment(home, **FAST)
    with tiny_filesystem(home / "store", "2m") as store:
        filler = store / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k", "count=64"],
                       capture_output=True, check=False)  # fills it to the brim
        ledger = Ledger(f"sqlite:///{home / 'dossier.db'}")
        with running(["run"], env, tmp_path / "run.log"):
            drop(digital_forms[12:14], inbox)
            problems = wait_until(lambda: _watcher_problems(home), 30, "no problem reported")
            assert all("store_unavailable" in p["reason"] for p in problems)
            assert any("No space left" in p["reason"] for p in problems)
            status = cli(["status", "--json"], env)
            assert "No space left" in status.stdout
            health = cli(["health", "--json"], env)
            assert health.returncode == 1 and not json.loads(health.stdout)["checks"]["disk"]["ok"]
            assert len(list(inbox.iterdir())) == 2
            filler.unlink()  # space returns
            wait_until(lambda: ledger.settled(2), 60, "not taken once space returned")
            _remount(store, "ro")
            drop(digital_forms[14:15], inbox)
            wait_until(lambda: any("Read-only" in p["reason"] for p in _watcher_problems(home)),
                       30, "read-only store not reported")
            _remount(store, "rw")
            wait_until(lambda: ledger.settled(3), 60, "not taken once writable again")
        assert_exactly_once(ledger, 3)
        assert not list(inbox.iterdir())
        ledger.close()
