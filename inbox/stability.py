"""Deciding when a dropped file is complete.

A scanner or a copy over the network writes a file in pieces. A file is
ready when its size and modification time have not changed for
`stable_seconds`, observed across at least two looks. The clock is
injected so tests never sleep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Clock = Callable[[], float]
Signature = tuple[int, int]  # (size, mtime in ns)


@dataclass
class _Seen:
    signature: Signature
    since: float


class StabilityTracker:
    def __init__(self, stable_seconds: float, clock: Clock) -> None:
        self.stable_seconds = stable_seconds
        self.clock = clock
        self._seen: dict[Path, _Seen] = {}

    def observe(self, path: Path, signature: Signature) -> bool:
        """Record a look at `path`; True once it has been unchanged long enough."""
        now = self.clock()
        seen = self._seen.get(path)
        if seen is None or seen.signature != signature:
            self._seen[path] = _Seen(signature, now)
            return False
        return now - seen.since >= self.stable_seconds

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def prune(self, present: set[Path]) -> None:
        """Drop files that vanished (taken, renamed or deleted)."""
        for path in list(self._seen):
            if path not in present:
                del self._seen[path]

    @property
    def pending(self) -> int:
        return len(self._seen)
