"""The watcher takes a file once it is complete, never before, never twice."""

from __future__ import annotations

from pathlib import Path

from config.errors import TransientFailure
from inbox.report import read_report
from inbox.scan import Candidate
from inbox.watcher import InboxWatcher, WatchOptions

OPTIONS = WatchOptions(stable_seconds=2.0, rescan_seconds=5.0, polling=True,
                       ignore_patterns=("*.part", "*.tmp", "~$*", ".*"))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingHandoff:
    """Takes files by deleting them, like the real intake moves them away."""

    def __init__(self, fail_times: int = 0) -> None:
        self.taken: list[tuple[str, str, bytes]] = []
        self.rejected: list[tuple[str, str]] = []
        self.fail_times = fail_times

    def take(self, candidate: Candidate) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise TransientFailure("disk full", code="store_unavailable")
        self.taken.append((candidate.channel, candidate.path.name, candidate.path.read_bytes()))
        candidate.path.unlink()

    def reject(self, candidate: Candidate, code: str, reason: str) -> None:
        self.rejected.append((candidate.path.name, code))
        if candidate.path.is_symlink() or candidate.path.is_file():
            candidate.path.unlink()
        else:
            candidate.path.rmdir()


def make(tmp_path: Path, handoff: RecordingHandoff) -> tuple[InboxWatcher, FakeClock, Path]:
    clock = FakeClock()
    channel = tmp_path / "inbox" / "branch-001"
    channel.mkdir(parents=True)
    return InboxWatcher(tmp_path / "inbox", OPTIONS, handoff, clock), clock, channel


def test_given_a_new_file_when_it_has_not_settled_then_it_is_not_taken(tmp_path: Path) -> None:
    handoff = RecordingHandoff()
    watcher, clock, channel = make(tmp_path, handoff)
    (channel / "scan.png").write_bytes(b"abc")
    assert watcher.scan_once() == 0
    clock.advance(1.0)
    assert watcher.scan_once() == 0
    clock.advance(1.5)
    assert watcher.scan_once() == 1
    assert handoff.taken == [("branch-001", "scan.png", b"abc")]


def test_given_a_slow_chunked_copy_then_the_file_is_taken_once_after_the_copy_ends(
    tmp_path: Path,
) -> None:
    handoff = RecordingHandoff()
    watcher, clock, channel = make(tmp_path, handoff)
    target = channel / "slow.jpg"
    content = b""
    for i in range(10):  # ten chunks, one second apart
        chunk = bytes([i]) * 1000
        content += chunk
        with target.open("ab") as fh:
            fh.write(chunk)
        watcher.scan_once()
        clock.advance(1.0)
        assert handoff.taken == []
    clock.advance(2.0)
    watcher.scan_once()
    watcher.scan_once()
    assert handoff.taken == [("branch-001", "slow.jpg", content)]


def test_given_temporary_and_hidden_names_then_they_are_never_taken(tmp_path: Path) -> None:
    handoff = RecordingHandoff()
    watcher, clock, channel = make(tmp_path, handoff)
    for name in ("a.part", "b.tmp", "~$c.pdf", ".d.png"):
        (channel / name).write_bytes(b"x")
    for _ in range(3):
        watcher.scan_once()
        clock.advance(5)
    assert handoff.taken == []


def test_given_a_copy_renamed_into_place_then_the_final_name_is_taken(tmp_path: Path) -> None:
    handoff = RecordingHandoff()
    watcher, clock, channel = make(tmp_path, handoff)
    part = channel / "form.png.part"
    part.write_bytes(b"final content")
    watcher.scan_once()
    part.rename(channel / "form.png")
    watcher.scan_once()
    clock.advance(3)
    watcher.scan_once()
    assert handoff.taken == [("branch-001", "form.png", b"final content")]


def test_given_the_store_fails_then_the_file_stays_and_is_taken_later(tmp_path: Path) -> None:
    handoff = RecordingHandoff(fail_times=1)
    watcher, clock, channel = make(tmp_path, handoff)
    (channel / "scan.png").write_bytes(b"abc")
    watcher.scan_once()
    clock.advance(3)
    assert watcher.scan_once() == 0
    assert (channel / "scan.png").exists()
    assert "store_unavailable" in next(iter(watcher.problems.values()))
    clock.advance(3)
    watcher.scan_once()
    clock.advance(3)
    assert watcher.scan_once() == 1
    assert watcher.problems == {}


def test_given_a_symlink_or_a_folder_in_a_channel_then_they_are_rejected(tmp_path: Path) -> None:
    handoff = RecordingHandoff()
    watcher, _clock, channel = make(tmp_path, handoff)
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the inbox")
    (channel / "link.pdf").symlink_to(outside)
    (channel / "folder").mkdir()
    watcher.scan_once()
    assert handoff.rejected == [("link.pdf", "symlink")]  # a link is made whole, at once
    _clock.advance(3)
    watcher.scan_once()  # a folder may still be filling: it settles first
    assert sorted(handoff.rejected) == [("folder", "directory"), ("link.pdf", "symlink")]
    assert outside.exists()


def test_given_files_present_at_start_up_then_they_are_taken(tmp_path: Path) -> None:
    channel = tmp_path / "inbox" / "branch-002"
    channel.mkdir(parents=True)
    (channel / "old.png").write_bytes(b"waiting since yesterday")
    handoff = RecordingHandoff()
    clock = FakeClock()
    watcher = InboxWatcher(tmp_path / "inbox", OPTIONS, handoff, clock)
    watcher.scan_once()
    clock.advance(2)
    watcher.scan_once()
    assert [t[1] for t in handoff.taken] == ["old.png"]


def test_given_an_empty_file_that_stays_empty_then_it_is_rejected_not_ignored(
    tmp_path: Path,
) -> None:
    handoff = RecordingHandoff()
    watcher, clock, channel = make(tmp_path, handoff)
    (channel / "blank.pdf").write_bytes(b"")
    (channel / "filling.pdf").write_bytes(b"")
    watcher.scan_once()
    (channel / "filling.pdf").write_bytes(b"%PDF-1.4 the scanner wrote it after all")
    clock.advance(3)
    watcher.scan_once()
    clock.advance(3)
    watcher.scan_once()
    assert handoff.rejected == [("blank.pdf", "empty_file")]
    assert [t[1] for t in handoff.taken] == ["filling.pdf"]


class ExplodingHandoff(RecordingHandoff):
    """A bug or an unexpected library error while taking one file."""

    def take(self, candidate: Candidate) -> None:
        if candidate.path.name.startswith("bad"):
            raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")
        super().take(candidate)


def test_given_one_file_that_breaks_the_intake_then_the_others_are_still_taken(
    tmp_path: Path,
) -> None:
    handoff = ExplodingHandoff()
    watcher, clock, channel = make(tmp_path, handoff)
    (channel / "bad.png").write_bytes(b"x")
    (channel / "good.png").write_bytes(b"y")
    watcher.scan_once()
    clock.advance(3)
    watcher.scan_once()
    assert [t[1] for t in handoff.taken] == ["good.png"]
    assert "UnicodeEncodeError" in watcher.problems[channel / "bad.png"]


def test_given_problems_then_the_status_file_names_them_for_the_operator(
    tmp_path: Path,
) -> None:
    handoff = RecordingHandoff(fail_times=5)
    clock = FakeClock()
    channel = tmp_path / "inbox" / "branch-001"
    channel.mkdir(parents=True)
    status = tmp_path / "watcher-status.json"
    options = WatchOptions(2.0, 5.0, True, OPTIONS.ignore_patterns, status_file=status)
    watcher = InboxWatcher(tmp_path / "inbox", options, handoff, clock)
    (channel / "scan\nwith newline ü.png").write_bytes(b"abc")
    watcher.scan_once()
    clock.advance(3)
    watcher.scan_once()
    watcher.report(force=True)
    report = read_report(status)
    assert report is not None and report["pid"] > 0
    [problem] = report["problems"]
    assert problem["channel"] == "branch-001" and "store_unavailable" in problem["reason"]
    assert problem["name"] == "scan\nwith newline ü.png"
