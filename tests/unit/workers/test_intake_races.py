"""Races at the intake: what the watcher saw is not what is there now."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import TransientFailure
from config.settings import Settings
from extractors.ocr import FakeOcrEngine
from inbox.scan import Candidate
from workers.intake import Intake
from workers.runtime import build_runtime
from workers.service import prepare_home


def test_a_file_swapped_for_a_symlink_after_the_watcher_looked_is_not_read_through(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path / "home")
    prepare_home(settings)
    rt = build_runtime(settings, ocr=FakeOcrEngine())
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the inbox")
    channel = settings.inbox_dir / "b1"
    channel.mkdir(parents=True)
    (channel / "scan.pdf").symlink_to(secret)
    sent: list[str] = []
    with pytest.raises(TransientFailure):  # left for the next scan, which rejects the link
        Intake(rt, sent.append).take(Candidate("b1", channel / "scan.pdf"))
    assert sent == [] and secret.read_text() == "outside the inbox"
    assert not [p for p in settings.store_dir.rglob("*") if p.is_file()]
    rt.close()


def test_a_broker_that_refuses_the_message_does_not_lose_the_document(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    prepare_home(settings)
    rt = build_runtime(settings, ocr=FakeOcrEngine())
    channel = settings.inbox_dir / "b1"
    channel.mkdir(parents=True)
    (channel / "scan.pdf").write_bytes(b"%PDF-1.4 content")

    def broker_down(doc_id: str) -> None:
        raise ConnectionError("redis is down")

    Intake(rt, broker_down).take(Candidate("b1", channel / "scan.pdf"))
    from workers.sweep import Sweeper

    resent: list[str] = []
    sweeper = Sweeper(rt, resent.append, clock=lambda: 0.0)
    sweeper.after = 0.0  # everything unfinished is stale at once
    assert sweeper.sweep_once() == 1 and len(resent) == 1
    assert not (channel / "scan.pdf").exists()
    rt.close()
