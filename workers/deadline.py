"""A time budget per document that stops a stuck OCR without touching
other documents.

Dramatiq's `TimeLimit` interrupts a worker thread with an asynchronous
exception, which CPython delivers only between bytecodes: while the thread
waits on a Tesseract subprocess it lands late, and then skips the code that
would have killed the subprocess. So the budget is enforced here instead,
between OCR calls: each Tesseract call is bounded (and its process killed)
by the adapter's own timeout, and no new call starts once the document's
time is up. Dramatiq's `TimeLimit` stays as a backstop set beyond both.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

from config.errors import TransientFailure
from extractors.ocr import OcrEngine, OcrResult

Clock = Callable[[], float]


class TimeLimitReached(TransientFailure):
    """The document used up its time; retried, then `failed` with this reason."""

    code = "time_limit"


@dataclass(frozen=True)
class _Budget:
    ends_at: float
    seconds: float
    clock: Clock


# A context variable, not a global: each worker thread has its own document.
_budget: ContextVar[_Budget | None] = ContextVar("dossier_document_budget", default=None)


@contextlib.contextmanager
def within(seconds: float, clock: Clock = time.monotonic) -> Iterator[None]:
    """Run the block under a budget of `seconds` for the current document."""
    token = _budget.set(_Budget(clock() + seconds, seconds, clock))
    try:
        yield
    finally:
        _budget.reset(token)


def check() -> None:
    """Raise `TimeLimitReached` when the current document's time is up."""
    budget = _budget.get()
    if budget is not None and budget.clock() > budget.ends_at:
        raise TimeLimitReached(
            f"document took longer than its limit of {budget.seconds:g} s (limits."
            "seconds_per_document); OCR stopped")


class DeadlineOcr:
    """An `OcrEngine` that refuses to start (or return from) a call once
    the document's budget is spent."""

    def __init__(self, inner: OcrEngine) -> None:
        self.inner = inner

    def read_text(
        self, image: np.ndarray, *, lang: str, psm: int, whitelist: str | None
    ) -> OcrResult:
        check()
        result = self.inner.read_text(image, lang=lang, psm=psm, whitelist=whitelist)
        check()
        return result
