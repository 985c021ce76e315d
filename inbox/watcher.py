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


class InboxWatcher:
    def __init__(
        self, root: Path, options: WatchOptions, handoff: Handoff, clock: Clock = time.monotonic
    ) -> None:
        self.root = root
        self.options = options
        self.handoff = handoff
        self.tracker = StabilityTracker(options.stable_seconds, clock)
        self.problems: dict[Path, str] = {}
        self._wake = threading.Event()

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
        return handed

    def _consider(self, cand: Candidate) -> int:
        rejection = _rejection(cand.path)
        if rejection:
            return self._hand(cand, lambda: self.handoff.reject(cand, *rejection))
        try:
            st = cand.path.stat()
        except FileNotFoundError:
            return 0
        if not self.tracker.observe(cand.path, (st.st_size, st.st_mtime_ns)):
            return 0
        return self._hand(cand, lambda: self.handoff.take(cand))

    def _hand(self, cand: Candidate, action: Callable[[], None]) -> int:
        try:
            action()
        except TransientFailure as exc:
            # Stays in the inbox; the operator sees why in the log and status.
            self.problems[cand.path] = f"{exc.code}: {exc}"
            log.warning("cannot take %s/%s yet: %s", cand.channel, cand.path.name, exc)
            self.tracker.forget(cand.path)
            return 0
        except DossierError as exc:
            self.problems[cand.path] = f"{exc.code}: {exc}"
            log.error("cannot take %s/%s: %s", cand.channel, cand.path.name, exc)
            return 0
        self.tracker.forget(cand.path)
        self.problems.pop(cand.path, None)
        return 1

    def run(self, stop: threading.Event) -> None:
        """Scan until `stop` is set; OS events shorten the wait."""
        self.root.mkdir(parents=True, exist_ok=True)
        observer = self._start_observer()
        try:
            while not stop.is_set():
                self.scan_once()
                wait = SETTLE_POLL if self.tracker.pending else self.options.rescan_seconds
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)

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


def _rejection(path: Path) -> tuple[str, str] | None:
    """Entries that can never be a scanned form, whatever their content."""
    if path.is_symlink():
        return "symlink", "symbolic links are not taken: copy the file itself into the inbox"
    if path.is_dir():
        return "directory", "a folder was dropped inside a channel: drop the files themselves"
    if not path.is_file():
        return "not_a_file", "only regular files are taken"
    return None
