"""Migration progress and schedule for `dossier status`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive import migration_state as state
from archive.models import MigrationRun
from workers.migration.feeder import STALE_AFTER
from workers.migration.schedule import read_status
from workers.runtime import Runtime


def migration_status(rt: Runtime) -> list[dict[str, Any]]:
    """One entry per job: its latest run, files per decision, rate and ETA
    while it runs, and (from the scheduler) the next start and last result."""
    scheduled = (read_status(rt.settings.scheduler_status_file) or {}).get("jobs", {})
    with rt.transaction() as session:
        runs = state.latest_runs(session)
        jobs = [_job(run, state.job_counts(session, run.job)) for run in runs]
    for entry in jobs:
        entry["schedule"] = scheduled.get(entry["job"])
    known = {entry["job"] for entry in jobs}
    jobs += [{"job": name, "status": "never run", "schedule": sched}
             for name, sched in sorted(scheduled.items()) if name not in known]
    return jobs


def _job(run: MigrationRun, counts: dict[str, int]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    status = run.status
    if status == "running" and _aware(run.heartbeat_at) < now - STALE_AFTER:
        status = "interrupted"  # killed: nothing will finish it until it is started again
    done = sum(n for d, n in counts.items() if d != "pending")
    entry: dict[str, Any] = {
        "job": run.job, "channel": run.channel, "run": run.id, "status": status,
        "source": run.source, "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at), "files": run.files_found, "done": done,
        "counts": counts, "report": run.report, "message": run.message}
    if status == "running":
        entry.update(_pace(run, done, now))
    return entry


def _pace(run: MigrationRun, done: int, now: dt.datetime) -> dict[str, Any]:
    """Files per minute of this run, and the time left at that rate."""
    minutes = max((now - _aware(run.started_at)).total_seconds() / 60, 1e-6)
    rate = run.taken / minutes
    left = max(run.files_found - done, 0)
    return {"per_minute": round(rate, 1),
            "eta_minutes": round(left / rate, 1) if rate > 0 else None}


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _iso(when: dt.datetime | None) -> str | None:
    return None if when is None else _aware(when).isoformat(timespec="seconds")
