"""One migration run, top-down: read the register, open the run, walk the
source, send on what a killed run left, take the rest at the allowed pace,
wait for the documents to finish, write the report.

The feeder takes a file only when the job has room in its window
(`migration.in_flight`), no live document is waiting and `--rate` allows:
a back catalogue of 50,000 scans never lands in the queue at once, so a
file dropped in the inbox meanwhile waits for at most a window's worth.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from archive import migration_state as state
from archive.models import MigrationFile
from workers.migration import report as reports
from workers.migration.actors import live_waiting
from workers.migration.jobs import MigrationJob
from workers.migration.pace import Pace
from workers.migration.register import Register, read_register
from workers.migration.source import SourceFile, walk
from workers.migration.take import MigrationIntake
from workers.runtime import Runtime

log = logging.getLogger(__name__)

Enqueue = Callable[[str], None]
HEARTBEAT_SECONDS = 2.0
STALE_AFTER = dt.timedelta(seconds=30)  # a run silent this long was killed


class Progress(Protocol):
    def planned(self, files: int, to_take: int) -> None: ...

    def update(self, counts: dict[str, int]) -> None: ...


class NoProgress:
    def planned(self, files: int, to_take: int) -> None:
        pass

    def update(self, counts: dict[str, int]) -> None:
        pass


@dataclass
class RunSummary:
    job: str
    run_id: str
    status: str  # finished | interrupted
    files: int = 0
    taken_now: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    report: reports.Report | None = None
    report_files: tuple[Path, ...] = ()


def plan(listing: list[SourceFile], known: dict[str, MigrationFile]) -> list[SourceFile]:
    """What this run must take: files not dealt with before, or changed
    since (size or mtime). Everything else was done by an earlier run."""
    def done(f: SourceFile) -> bool:
        row = known.get(f.key)
        return row is not None and (row.size, row.mtime_ns) == f.signature
    return [f for f in listing if f.kind != "ignored" and not done(f)]


class Feeder:
    def __init__(self, rt: Runtime, job: MigrationJob, enqueue: Enqueue, *,
                 stop: threading.Event, progress: Progress | None = None,
                 resend_processing: bool = False, poll_seconds: float = 0.25,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rt, self.job, self.enqueue, self.stop = rt, job, enqueue, stop
        self.progress = progress or NoProgress()
        # Embedded: a killed run's documents in `processing` died with it.
        # Redis: a worker may hold them still; its broker redelivers them.
        self.resend_states = (("received", "processing") if resend_processing
                              else ("received",))
        self.poll, self.clock = poll_seconds, clock
        self.pace = Pace(job.rate_per_minute, clock)
        self._beat = 0.0
        self.run_id = ""
        self.files = 0
        self.taken_now = 0

    def run(self) -> RunSummary:
        register = self._register()  # a bad register stops the run before anything is taken
        self.run_id = self._open()
        try:
            return self._run(register)
        except BaseException as exc:
            self._close("interrupted" if isinstance(exc, KeyboardInterrupt) else "failed",
                        None, f"{type(exc).__name__}: {exc}")
            raise

    def _run(self, register: Register | None) -> RunSummary:
        listing = list(walk(self.job.source, self.rt.settings.inbox.ignore_patterns,
                            exclude=self._excluded()))
        with self.rt.transaction() as session:
            to_take = plan(listing, state.known_files(session, self.job.name))
        self.files = sum(1 for f in listing if f.kind != "ignored")
        self.progress.planned(self.files, len(to_take))
        self._resend()
        complete = self._feed(to_take, register) and self._drain()
        if not complete:
            return self._close("interrupted", None, "stopped before the end")
        report = self._report(listing, register)
        files = reports.write(report, self.rt.settings.migration_reports_dir)
        summary = self._close("finished", files[1], None if report.reconciled
                              else "; ".join(report.problems))
        summary.report, summary.report_files = report, files
        return summary

    def _register(self) -> Register | None:
        if self.job.register is None:
            return None
        return read_register(self.job.register, self.job.columns(self.rt.settings),
                             self.job.source)

    def _excluded(self) -> list[Path]:
        settings = self.rt.settings
        ours = [settings.home, settings.migration_reports_dir]
        return ours + ([self.job.register] if self.job.register else [])

    def _open(self) -> str:
        with self.rt.transaction() as session:
            run = state.start_run(session, job=self.job.name, channel=self.job.channel,
                                  source=str(self.job.source),
                                  register=str(self.job.register) if self.job.register else None,
                                  stale_after=STALE_AFTER)
            return run.id

    def _resend(self) -> None:
        with self.rt.transaction() as session:
            left = state.unfinished_documents(session, self.job.channel, self.resend_states)
        for document_id in left:
            self.enqueue(document_id)
        if left:
            log.info("migration %s: sent on %d document(s) an earlier run left unfinished",
                     self.job.name, len(left))

    def _feed(self, to_take: list[SourceFile], register: Register | None) -> bool:
        intake = MigrationIntake(self.rt, self.job.name, self.job.channel, self.run_id)
        for source in to_take:
            if not self._wait_turn():
                return False
            took = intake.take(source, register.row_for(source.key) if register else None)
            self.pace.took()
            if took.new:
                assert took.document_id is not None
                self.enqueue(took.document_id)
                self.taken_now += 1
            self._tick()
        return True

    def _wait_turn(self) -> bool:
        """Until this job may take its next file; False when stopped."""
        while not self.stop.is_set():
            wait = self.pace.wait()
            if wait <= 0 and self._room():
                return True
            self._tick()
            self.stop.wait(min(wait, self.poll) if wait > 0 else self.poll)
        return False

    def _room(self) -> bool:
        with self.rt.transaction() as session:
            busy = state.in_flight(session, self.job.channel)
        return busy < self.rt.settings.migration.in_flight and not live_waiting(self.rt)

    def _drain(self) -> bool:
        """Until every document of the job is finished; False when stopped."""
        while not self.stop.is_set():
            with self.rt.transaction() as session:
                busy = state.in_flight(session, self.job.channel)
            self._tick(force=busy == 0)
            if busy == 0:
                return True
            self.stop.wait(self.poll)
        return False

    def _tick(self, force: bool = False) -> None:
        """Progress now and then, and the heartbeat that tells `dossier
        status` (and a second start of the same job) that the run is alive."""
        now = self.clock()
        if not force and now - self._beat < min(HEARTBEAT_SECONDS, self.poll * 4):
            return
        with self.rt.transaction() as session:
            counts = state.job_counts(session, self.job.name)
            if force or now - self._beat >= HEARTBEAT_SECONDS:
                state.heartbeat(session, self.run_id, files_found=self.files,
                                taken=self.taken_now, counts=counts)
        self._beat = now
        self.progress.update(counts)

    def _report(self, listing: list[SourceFile], register: Register | None) -> reports.Report:
        with self.rt.transaction() as session:
            rows = state.job_files(session, self.job.name)
            drops = state.channel_drops(session, self.job.channel)
            orphans = state.orphan_documents(session, self.job.name, self.job.channel)
        report = reports.build(self.job.name, self.run_id, self.job.source, listing, rows,
                               register)
        with_drop = sum(1 for r in rows if r.row.outcome in ("taken", "duplicate"))
        report.problems += reports.ledger_problems(drops=drops, rows_with_drop=with_drop,
                                                   orphans=orphans)
        return report

    def _close(self, status: str, report: Path | None, message: str | None) -> RunSummary:
        with self.rt.transaction() as session:
            counts = state.job_counts(session, self.job.name)
            state.finish_run(session, self.run_id, status=status, counts=counts,
                             report=str(report) if report else None, message=message)
        return RunSummary(self.job.name, self.run_id, status, self.files, self.taken_now, counts)
