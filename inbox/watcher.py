"""The inbox watcher: notices files, waits until they are complete, hands
them on.

OS events (watchdog) only wake the loop early; correctness comes from the
periodic scan, which also covers files present at start-up, events lost
while the watcher was down, and network shares where events never arrive
(`polling`). The watcher never reads a file's content and never touches the
database: what "taking" means is the `Handoff` given by the composition
root.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from config.errors import DossierError, TransientFailure
from inbox.report import Problem, printable, write_report
from inbox.scan import Candidate, candidates
from inbox.stability import Clock, StabilityTracker

log = logging.getLogger(__name__)

# While a file is settling, look again this often (seconds).
SETTLE_POLL = 0.5


class Handoff(Protocol):
    """What the watcher calls. `take` MUST either take the file out of the
    inbox or raise; raising `TransientFailure` leaves it for the next scan.
    `reject` MUST move the entry out of the inbox with a reason."""

    def take(self, candidate: Candidate) -> None: ...

    def reject(self, candidate: Candidate, code: str, reason: str) -> None: ...


@dataclass(frozen=True)
class WatchOptions:
    stable_seconds: float
    rescan_seconds: float
    polling: bool
    ignore_patterns: tuple[str, ...]
    status_file: Path | None = None


class InboxWatcher:
    def __init__(
        self, root: Path, options: WatchOptions, handoff: Handoff, clock: Clock = time.monotonic
    ) -> None:
        self.root = root
        self.options = options
        self.handoff = handoff
        self.tracker = StabilityTracker(options.stable_seconds, clock)
        self.problems: dict[Path, str] = {}
        self._problem_since: dict[Path, str] = {}
        self._wake = threading.Event()
        self._reported_at = -1e18

    def scan_once(self) -> int:
        """Look at every candidate once; return how many were handed on."""
        present: set[Path] = set()
        handed = 0
        for cand in candidates(self.root, self.options.ignore_patterns):
            present.add(cand.path)
            handed += self._consider(cand)
        self.tracker.prune(present)
        for gone in set(self.problems) - present:
            del self.problems[gone]
            self._problem_since.pop(gone, None)
        return handed

    def _consider(self, cand: Candidate) -> int:
        if cand.path.is_symlink():  # created whole: nothing to wait for
            return self._hand(cand, lambda: self.handoff.reject(cand, *_SYMLINK))
        try:
            st = cand.path.lstat()
        except FileNotFoundError:
            return 0
        # Folders and empty files settle too: a folder may still be filling,
        # a scanner may create a file before it writes it.
        if not self.tracker.observe(cand.path, (st.st_size, st.st_mtime_ns)):
            return 0
        rejection = _rejection(cand.path, st.st_size)
        if rejection:
            return self._hand(cand, lambda: self.handoff.reject(cand, *rejection))
        return self._hand(cand, lambda: self.handoff.take(cand))

    def _hand(self, cand: Candidate, action: Callable[[], None]) -> int:
        shown = printable(cand.path.name)
        try:
            action()
        except TransientFailure as exc:
            # Stays in the inbox; the operator sees why in the log and status.
            self._problem(cand, f"{exc.code}: {exc}")
            log.warning("cannot take %s/%s yet: %s", cand.channel, shown, exc)
            self.tracker.forget(cand.path)
            return 0
        except DossierError as exc:
            self._problem(cand, f"{exc.code}: {exc}")
            log.error("cannot take %s/%s: %s", cand.channel, shown, exc)
            return 0
        except Exception as exc:  # one odd file must never stop the inbox
            self._problem(cand, f"unexpected: {type(exc).__name__}: {exc}")
            log.exception("cannot take %s/%s", cand.channel, shown)
            self.tracker.forget(cand.path)
            return 0
        self.tracker.forget(cand.path)
        self.problems.pop(cand.path, None)
        self._problem_since.pop(cand.path, None)
        return 1

    def _problem(self, cand: Candidate, reason: str) -> None:
        self.problems[cand.path] = reason[:500]
        self._problem_since.setdefault(
            cand.path, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))

    def report(self, force: bool = False) -> None:
        """Write the status file (when configured): at once when asked,
        otherwise at most once per rescan interval as a heartbeat."""
        path = self.options.status_file
        now = time.monotonic()
        if path is None or (not force and now - self._reported_at < self.options.rescan_seconds):
            return
        problems = [Problem(p.parent.name, printable(p.name), reason, self._problem_since[p])
                    for p, reason in sorted(self.problems.items())]
        if write_report(path, inbox=self.root, pending=self.tracker.pending, problems=problems):
            self._reported_at = now

    def run(self, stop: threading.Event) -> None:
        """Scan until `stop` is set; OS events shorten the wait."""
        self.root.mkdir(parents=True, exist_ok=True)
        observer = self._start_observer()
        try:
            while not stop.is_set():
                self._scan_guarded()
                wait = SETTLE_POLL if self.tracker.pending else self.options.rescan_seconds
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)

    def _scan_guarded(self) -> None:
        before = dict(self.problems)
        try:
            self.scan_once()
        except Exception:  # e.g. a channel folder removed mid-scan: next scan
            log.exception("inbox scan failed; trying again")
        self.report(force=self.problems != before)

    def _start_observer(self) -> Observer:
        observer = PollingObserver(timeout=2) if self.options.polling else Observer()
        observer.schedule(_Waker(self._wake), str(self.root), recursive=True)
        observer.start()
        return observer


class _Waker(FileSystemEventHandler):
    def __init__(self, wake: threading.Event) -> None:
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.wake.set()


_SYMLINK = ("symlink", "symbolic links are not taken: copy the file itself into the inbox")


def _rejection(path: Path, size: int) -> tuple[str, str] | None:
    """Settled entries that can never be a scanned form, whatever their content."""
    if path.is_symlink():
        return _SYMLINK
    if path.is_dir():
        return "directory", "a folder was dropped inside a channel: drop the files themselves"
    if not path.is_file():
        return "not_a_file", "only regular files are taken"
    if size == 0:
        return "empty_file", ("the file stayed empty (0 bytes): the scan or copy failed; "
                              "send it again")
    return None
