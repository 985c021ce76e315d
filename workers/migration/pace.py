"""`--rate`: files taken per minute, evenly spaced (a clock is injected so
tests never sleep)."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pace:
    def __init__(self, per_minute: float | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock
        self._next = clock()

    def wait(self) -> float:
        """Seconds until the next file may be taken (0: now)."""
        return max(0.0, self._next - self.clock())

    def took(self) -> None:
        # From the later of "due" and "now": an idle spell (live traffic,
        # a full window) does not bank a burst of files to take at once.
        self._next = max(self._next, self.clock()) + self.interval
