"""Re-sending documents whose message was lost.

The ledger, not the broker, is the record of what must be done. A Redis
restart without persistence, or an enqueue that failed while Redis was
down, leaves a document in `received` with no message anywhere. The
watcher process runs this sweep: a document unfinished for longer than
`redrive_after_seconds` is sent again (at most once per that period).
Processing is idempotent, so a spare message costs work, never a record.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select

from archive.models import DocState, Document
from workers.runtime import Runtime

log = logging.getLogger(__name__)

Enqueue = Callable[[str], None]


class Sweeper:
    def __init__(self, rt: Runtime, enqueue: Enqueue, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.rt = rt
        self.enqueue = enqueue
        self.after = rt.settings.worker.redrive_after_seconds
        self.clock = clock
        self._sent: dict[str, float] = {}

    def sweep_once(self) -> int:
        """Send every stale unfinished document not sent within the period."""
        now = self.clock()
        self._sent = {k: t for k, t in self._sent.items() if now - t < self.after}
        sent = 0
        for doc_id in self._stale():
            if doc_id in self._sent:
                continue
            self.enqueue(doc_id)
            self._sent[doc_id] = now
            sent += 1
        if sent:
            log.warning("re-sent %d document(s) unfinished for over %gs", sent, self.after)
        return sent

    def _stale(self) -> list[str]:
        cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=self.after)
        stmt = (select(Document.id)
                .where(Document.state.in_([DocState.RECEIVED, DocState.PROCESSING]),
                       Document.updated_at < cutoff)
                .order_by(Document.updated_at).limit(10_000))
        with self.rt.transaction() as session:
            return list(session.scalars(stmt))

    def run(self, stop: threading.Event) -> None:
        period = max(1.0, min(self.after / 4, 60.0))
        while not stop.wait(period):
            try:
                self.sweep_once()
            except Exception as exc:  # database or broker down: the next round
                log.warning("sweep skipped: %s: %s", type(exc).__name__, exc)

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="dossier-sweep",
                                  daemon=True)
        thread.start()
        return thread
