"""One worker as the throughput bench measures it: the embedded broker and a
Dramatiq worker thread in this process, over a home of its own.

`process(path)` takes a file the way the inbox does (store it encrypted,
record the drop, enqueue its id), waits until the worker thread has
finished it, and reports the time from start to archive together with the
part spent reading it (extract + validate), taken from the pipeline's own
stage histograms.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import dramatiq

from archive import ledger
from archive.ledger import Taken
from config.settings import Settings
from workers.direct import stored_outcome
from workers.pipeline import Outcome
from workers.runtime import Runtime, build_runtime
from workers.tasks import LIVE_QUEUE, Actors, declare_actors, make_broker

CHANNEL = "bench"
READING_STAGES = ("extract", "validate")


@dataclass(frozen=True)
class Done:
    outcome: Outcome
    total_s: float
    reading_s: float


class BenchWorker:
    def __init__(self, rt: Runtime, broker: dramatiq.Broker, actors: Actors) -> None:
        self.rt, self.broker, self.actors = rt, broker, actors
        self.worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        self.worker.start()

    def process(self, path: Path) -> Done:
        reading_before = _reading_seconds()
        started = time.perf_counter()
        key, sha256 = self.rt.store.put(path, move=False)
        taken = Taken(sha256, key, path.stat().st_size, CHANNEL, path.name)
        with self.rt.transaction() as session:
            doc, _ = ledger.record_drop(session, taken)
            doc_id = doc.id
        self.actors.enqueue(doc_id)
        self.broker.join(LIVE_QUEUE, fail_fast=True)
        total = time.perf_counter() - started
        reading = _reading_seconds() - reading_before
        return Done(stored_outcome(self.rt, doc_id), total, reading)

    def stop(self) -> None:
        self.worker.stop()
        self.rt.close()


def settings_for(home: Path) -> Settings:
    return Settings(home=home, database_url=None, broker_url=None, log_level="WARNING")


def start(home: Path, today: dt.date) -> BenchWorker:
    """Build the worker (models loaded here, before anything is timed)."""
    logging.getLogger().setLevel(logging.WARNING)
    rt = build_runtime(settings_for(home))
    rt.today = lambda: today
    broker = make_broker(rt.settings)
    return BenchWorker(rt, broker, declare_actors(broker, lambda: rt))


def _reading_seconds() -> float:
    from prometheus_client import REGISTRY

    return sum(REGISTRY.get_sample_value("dossier_stage_seconds_sum", {"stage": stage}) or 0.0
               for stage in READING_STAGES)
