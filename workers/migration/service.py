"""`dossier migrate`: the broker and workers around a `Feeder`.

With Redis (`DOSSIER_BROKER_URL`), this process only feeds the migration
queue; `dossier worker` processes (which consume it beside the live queue)
do the work. Embedded, this process runs its own worker threads on the
in-memory broker, as `dossier run` does for the inbox; a `dossier run`
beside it keeps serving the inbox, and live-first holds across the two
because it is read from the shared ledger.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dramatiq

from config.settings import Settings
from workers.migration.actors import declare_migration_actor
from workers.migration.feeder import Enqueue, Feeder, Progress, RunSummary
from workers.migration.jobs import MigrationJob
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home
from workers.tasks import declare_actors, make_broker


def migrate(settings: Settings, job: MigrationJob, stop: threading.Event,
            progress: Progress | None = None) -> RunSummary:
    prepare_home(settings)
    rt = build_runtime(settings)
    try:
        with _queue(rt) as enqueue:
            feeder = Feeder(rt, job, enqueue, stop=stop, progress=progress,
                            resend_processing=not settings.broker_url)
            return feeder.run()
    finally:
        rt.close()


@contextmanager
def _queue(rt: Runtime) -> Iterator[Enqueue]:
    broker = make_broker(rt.settings)
    declare_actors(broker, lambda: rt)  # `document_failed` takes the exhausted retries
    actor = declare_migration_actor(broker, lambda: rt)
    worker = None if rt.settings.broker_url else _local_worker(broker, rt.settings)
    try:
        def send(document_id: str) -> None:
            actor.send(document_id)

        yield send
    finally:
        if worker is not None:
            worker.stop()
        broker.close()


def _local_worker(broker: dramatiq.Broker, settings: Settings) -> dramatiq.Worker:
    threads = settings.worker.processes * settings.worker.threads
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=200)
    worker.start()
    return worker
