"""The migration actor: the inbox's `process_document`, on a queue of its
own, that yields to live traffic.

Dramatiq's Redis broker has no priority across queues: a worker consumes
all of its queues side by side. Live-first therefore rests on three things:
the feeder keeps only a small window of migration documents queued
(`migration.in_flight`), a worker's own work queue takes this actor's
messages after live ones (Dramatiq orders prefetched messages by actor
priority), and a migration message that meets live documents waiting in the
ledger is put back with a delay instead of taking the worker. The ledger is
the signal because it is shared by every process and every mode (embedded
or Redis), where broker queue lengths are not.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import dramatiq

from archive.migration_state import live_backlog
from config.errors import RejectedInput
from workers.runtime import Runtime
from workers.tasks import process_and_release

log = logging.getLogger(__name__)

MIGRATION_QUEUE = "documents.migration"
# Dramatiq's worker takes lower numbers first; live actors have 0.
MIGRATION_PRIORITY = 100


def live_waiting(rt: Runtime) -> bool:
    """Live documents are waiting for a worker right now."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(
        seconds=rt.settings.migration.live_wait_seconds)
    with rt.transaction() as session:
        return live_backlog(session, since) > 0


def declare_migration_actor(broker: dramatiq.Broker, runtime: Callable[[], Runtime]
                            ) -> dramatiq.Actor[Any, Any]:
    """Declare the actor on `broker`, beside `workers.tasks.declare_actors`
    (whose `document_failed` receives the documents that exhaust their retries)."""

    def migrate_document(document_id: str) -> None:
        rt = runtime()
        if live_waiting(rt):
            delay = int(rt.settings.migration.defer_seconds * 1000)
            actor.send_with_options(args=(document_id,), delay=delay)
            log.debug("migration document %s deferred %d ms: live files waiting",
                      document_id, delay)
            return
        process_and_release(rt, document_id)

    actor: dramatiq.Actor[Any, Any] = dramatiq.actor(
        broker=broker, actor_name="migrate_document", queue_name=MIGRATION_QUEUE,
        priority=MIGRATION_PRIORITY, throws=(RejectedInput,),
        on_retry_exhausted="document_failed")(migrate_document)
    return actor
