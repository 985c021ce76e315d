"""`dossier scheduler`: runs the declared migration jobs on their cron
expressions (APScheduler 3.x).

Why APScheduler and not periodiq: jobs here are data (config/migrations.yaml),
each with its own crontab line, and they must run in the embedded mode too,
where the broker lives inside one process. periodiq enqueues Dramatiq
actors whose schedule is declared in code, from a process of its own
sharing the broker; APScheduler reads a standard crontab expression
(`CronTrigger.from_crontab`), never runs one job twice at once
(`max_instances=1`), and runs a missed start once after a restart
(`coalesce`, `misfire_grace_time`).

Each run is `dossier migrate --job NAME` in a child process: a crash or a
leak in one run never takes the scheduler down, and the run records itself
in the database like any other. The scheduler writes its next start times
and last results to `scheduler-status.json` for `dossier status`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from config.errors import ConfigurationError
from config.settings import Settings
from workers.migration.jobs import MigrationJob, load_jobs

log = logging.getLogger(__name__)

Launcher = Callable[[MigrationJob], int]
STATUS_EVERY_SECONDS = 15.0


def launch_subprocess(job: MigrationJob) -> int:
    """`dossier migrate --job NAME --quiet`; its exit code."""
    argv = [sys.executable, "-m", "cli.main", "migrate", "--job", job.name, "--quiet"]
    return subprocess.run(argv, check=False).returncode


class MigrationScheduler:
    def __init__(self, settings: Settings, launcher: Launcher = launch_subprocess) -> None:
        self.jobs = [j for j in load_jobs(settings.migration.jobs_file) if j.cron]
        if not self.jobs:
            raise ConfigurationError(f"no migration job with a cron expression in "
                                     f"{settings.migration.jobs_file}", code="no_jobs")
        self.status_file = settings.scheduler_status_file
        self.launcher = launcher
        self.last: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        # The status loop and a finishing job both write the file; one writer at a
        # time, or two half-written temporaries can interleave into broken JSON.
        self._write_lock = threading.Lock()
        self.scheduler = BackgroundScheduler()
        for job in self.jobs:
            self.scheduler.add_job(self.run_job, CronTrigger.from_crontab(str(job.cron)),
                                   args=(job,), id=job.name, name=job.name, max_instances=1,
                                   coalesce=True, misfire_grace_time=3600)

    def run_job(self, job: MigrationJob) -> None:
        started = _now()
        log.info("scheduled migration %s starting", job.name)
        try:
            code = self.launcher(job)
        except Exception as exc:  # the next start must still happen
            code = -1
            log.exception("scheduled migration %s could not start: %s", job.name, exc)
        with self._lock:
            self.last[job.name] = {"started_at": started, "finished_at": _now(),
                                   "exit_code": code, "ok": code == 0}
        log.info("scheduled migration %s ended with exit code %s", job.name, code)
        self.write_status()

    def next_runs(self) -> dict[str, str | None]:
        runs = {}
        for job in self.jobs:
            found = self.scheduler.get_job(job.name)
            when = getattr(found, "next_run_time", None)
            runs[job.name] = when.isoformat(timespec="seconds") if when else None
        return runs

    def write_status(self) -> None:
        with self._lock:
            jobs = {name: {"next_run": when, "last": self.last.get(name)}
                    for name, when in self.next_runs().items()}
        data = {"pid": os.getpid(), "host": socket.gethostname(), "updated_at": _now(),
                "jobs": jobs}
        tmp = self.status_file.with_suffix(f".{os.getpid()}.tmp")
        with self._write_lock, contextlib.suppress(OSError):  # a full disk must not stop it
            self.status_file.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.status_file)

    def run(self, stop: threading.Event) -> None:
        self.scheduler.start()
        try:
            for name, when in self.next_runs().items():
                log.info("migration job %s: next run %s", name, when)
            self.write_status()
            while not stop.wait(STATUS_EVERY_SECONDS):
                self.write_status()
        finally:
            self.scheduler.shutdown(wait=False)


def read_status(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
