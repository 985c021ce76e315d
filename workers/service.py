"""Long-running modes: `dossier run` (embedded), `watch` and `worker`."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

import dramatiq

from archive import ledger
from archive.db import upgrade
from config.settings import Settings
from inbox.watcher import InboxWatcher, WatchOptions
from workers.configaudit import record_if_changed
from workers.intake import Intake
from workers.metrics import record_under, worker_environment
from workers.resources import apply_memory_limit
from workers.runtime import Runtime, build_runtime
from workers.sweep import Sweeper
from workers.tasks import LIVE_QUEUE, Actors, declare_actors, make_broker

log = logging.getLogger(__name__)


def prepare_home(settings: Settings) -> None:
    for folder in (settings.inbox_dir, settings.store_dir, settings.quarantine_dir):
        folder.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)


def make_watcher(rt: Runtime, actors: Actors) -> InboxWatcher:
    i = rt.settings.inbox
    options = WatchOptions(i.stable_seconds, i.rescan_seconds, i.polling, i.ignore_patterns,
                           status_file=rt.settings.watcher_status_file)
    return InboxWatcher(rt.settings.inbox_dir, options, Intake(rt, actors.enqueue))


def redrive(rt: Runtime, enqueue: Callable[[str], None]) -> int:
    """Re-send documents a crash left in `received` or `processing`;
    processing is idempotent, so a document already in flight is harmless."""
    with rt.transaction() as session:
        pending = ledger.unfinished(session)
    for sent, document_id in enumerate(pending):
        try:
            enqueue(document_id)
        except Exception as exc:  # broker down: the sweep sends them later
            log.warning("re-drove %d of %d unfinished document(s), then %s: %s",
                        sent, len(pending), type(exc).__name__, exc)
            return sent
    if pending:
        log.info("re-driving %d unfinished document(s)", len(pending))
    return len(pending)


def stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def run_embedded(settings: Settings, stop: threading.Event) -> None:
    """Watcher and workers in one process on the in-memory broker; the
    ledger (not the broker) is what makes this crash-safe."""
    prepare_home(settings)
    record_under(settings.metrics_dir)  # the workspace in this process reads them there
    apply_memory_limit(settings.limits.memory_mb)
    rt = build_runtime(settings)
    record_if_changed(rt)
    broker = make_broker(settings)
    actors = declare_actors(broker, lambda: rt)
    threads = settings.worker.processes * settings.worker.threads
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=200)
    worker.start()
    redrive(rt, actors.enqueue)
    log.info("dossier running: inbox %s, %d worker thread(s)", settings.inbox_dir, threads)
    Sweeper(rt, actors.enqueue).start(stop)
    from review.serve import start_with_run  # the review workspace (issue 9)

    stop_workspace = start_with_run(rt)
    try:
        make_watcher(rt, actors).run(stop)
    finally:
        stop_workspace()
        worker.stop()
        rt.close()


def run_watch(settings: Settings, stop: threading.Event) -> None:
    """The watcher alone, feeding the shared broker (Redis)."""
    prepare_home(settings)
    rt = build_runtime(settings)
    record_if_changed(rt)
    actors = declare_actors(make_broker(settings), lambda: rt)
    redrive(rt, actors.enqueue)
    log.info("dossier watching %s → %s", settings.inbox_dir, settings.broker_url)
    Sweeper(rt, actors.enqueue).start(stop)
    try:
        make_watcher(rt, actors).run(stop)
    finally:
        rt.close()


def exec_workers(settings: Settings, processes: int, threads: int) -> None:
    """Replace this process with Dramatiq's worker supervisor, which forks
    `processes` workers importing `workers.entry`."""
    from workers.migration.actors import MIGRATION_QUEUE  # live-first: see that module

    argv = [sys.executable, "-m", "dramatiq", "workers.entry", "--processes", str(processes),
            "--threads", str(threads), "--queues", LIVE_QUEUE, MIGRATION_QUEUE]
    os.environ.update(worker_environment(settings))  # inherited by every forked process
    os.execv(sys.executable, argv)
