"""`dossier migrate`, `dossier scheduler` and `dossier bench migration`.

Registered on the main app by `cli.main` (one import there); the work is
done by `workers.migration`, this module only talks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.progress import Task
    from rich.text import Text

    from config.settings import Settings
    from workers.migration.feeder import RunSummary
    from workers.migration.jobs import MigrationJob

DECISIONS = ("archived", "review", "quarantined", "failed", "duplicate", "rejected", "pending")


def migrate(
    source: Annotated[Path | None, typer.Argument(help="folder tree of legacy scans")] = None,
    register: Annotated[Path | None, typer.Option(
        help="CSV or .xlsx register: file path → legacy metadata")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="list what would be taken or skipped and why; touch nothing")] = False,
    rate: Annotated[str | None, typer.Option(help="at most N files per minute (N, N/min, N/s)")
                    ] = None,
    channel: Annotated[str | None, typer.Option(
        help="job name; documents get channel migration/NAME (default: the folder's name)")
    ] = None,
    job: Annotated[str | None, typer.Option(help="a job declared in the jobs file")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Take a back catalogue of scans into the archive (resumable; see README)."""
    settings = _settings()
    spec = _job(settings, source, register, rate, channel, job)
    if dry_run:
        raise typer.Exit(_dry_run(settings, spec))
    summary = _run(settings, spec, quiet)
    _print_summary(summary)
    if summary.status != "finished":
        raise typer.Exit(130)
    if summary.report is not None and not summary.report.reconciled:
        raise typer.Exit(1)


def _settings() -> Settings:
    from cli.main import _settings as settings

    return settings()


def _job(settings: Settings, source: Path | None, register: Path | None, rate: str | None,
         channel: str | None, job: str | None) -> MigrationJob:
    from dataclasses import replace

    from workers.migration.jobs import MigrationJob, find_job, job_name, parse_rate

    if job is not None:
        spec = find_job(settings.migration.jobs_file, job)
        return replace(spec, rate_per_minute=parse_rate(rate) or spec.rate_per_minute)
    if source is None or not source.is_dir():
        _fail(f"not a folder: {source}" if source else "give SOURCE or --job NAME", 2)
    if register is not None and not register.is_file():
        _fail(f"no register file at {register}", 2)
    assert source is not None
    return MigrationJob(job_name(source, channel), source.resolve(),
                        register.resolve() if register else None, parse_rate(rate))


def _run(settings: Settings, spec: MigrationJob, quiet: bool) -> RunSummary:
    from workers.migration.service import migrate as run_migration
    from workers.service import stop_on_signals

    stop = stop_on_signals()
    if quiet:
        return run_migration(settings, spec, stop)
    with RichProgress(spec.channel) as progress:
        return run_migration(settings, spec, stop, progress)


def _dry_run(settings: Settings, spec: MigrationJob) -> int:
    from workers.migration.dryrun import dry_run, unregistered_rows

    tally: dict[str, int] = {}
    paths = set()
    for verdict in dry_run(settings, spec):
        paths.add(verdict.path)
        tally[verdict.action] = tally.get(verdict.action, 0) + 1
        row = f" (register row {verdict.register_row})" if verdict.register_row else ""
        typer.echo(f"{verdict.action:10} {verdict.path}{row}: {verdict.reason}")
    for number, path in unregistered_rows(settings, spec, paths):
        typer.echo(f"{'no file':10} register row {number}: {path}")
    typer.echo("dry run, nothing touched: " + ", ".join(
        f"{n} {action}" for action, n in sorted(tally.items())))
    return 0


def _print_summary(summary: RunSummary) -> None:
    counts = ", ".join(f"{n} {d}" for d, n in sorted(summary.counts.items()))
    typer.echo(f"migration {summary.job} {summary.status}: {summary.files} file(s), "
               f"{summary.taken_now} new document(s) this run; {counts or 'nothing yet'}")
    report = summary.report
    if report is None:
        typer.echo("started again, it continues where it stopped")
        return
    for path in summary.report_files:
        typer.echo(f"report: {path}")
    typer.echo(f"register rows without a file: {len(report.register_rows_without_file)}; "
               f"files without a register row: {len(report.files_without_register_row)}")
    for problem in report.problems:
        typer.echo(f"DOES NOT RECONCILE: {problem}", err=True)


class RichProgress:
    """The `Progress` of a feeder, drawn with rich: files done of the
    tree, counts per decision, rate and time left."""

    def __init__(self, channel: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        class PerMinute(ProgressColumn):
            def render(self, task: Task) -> Text:
                from rich.text import Text

                speed = task.speed
                return Text("—/min" if speed is None else f"{speed * 60:.0f}/min")

        self.bar = Progress(TextColumn(f"[b]{channel}[/b]"), BarColumn(), MofNCompleteColumn(),
                            PerMinute(), TimeRemainingColumn(), TextColumn("{task.fields[counts]}"))
        self.task = self.bar.add_task(channel, total=None, counts="walking the source…")

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def planned(self, files: int, to_take: int) -> None:
        self.bar.update(self.task, total=files, completed=files - to_take,
                        counts=f"{to_take} to take")
        # Speed counts from here: files an earlier run finished are not this run's pace.
        self.bar.reset(self.task, total=files, completed=files - to_take)

    def update(self, counts: dict[str, int]) -> None:
        done = sum(n for d, n in counts.items() if d != "pending")
        text = " ".join(f"{d} {counts[d]}" for d in DECISIONS if counts.get(d))
        self.bar.update(self.task, completed=done, counts=text)


def scheduler() -> None:
    """Start the migration jobs declared in the jobs file on their cron expressions."""
    from workers.migration.schedule import MigrationScheduler
    from workers.service import stop_on_signals

    settings = _settings()
    sched = MigrationScheduler(settings)
    typer.echo(f"dossier scheduler: {len(sched.jobs)} job(s) from "
               f"{settings.migration.jobs_file} (Ctrl-C to stop)")
    sched.run(stop_on_signals())


def bench_migration(
    count: Annotated[int, typer.Option(help="generated scans")] = 1000,
    workers: Annotated[str, typer.Option(help="worker processes to compare, e.g. 1,2")] = "1,2",
    out: Annotated[Path | None, typer.Option(help="keep the generated tree here")] = None,
    seed: Annotated[int, typer.Option(help="generator seed")] = 6,
    json_out: Annotated[Path | None, typer.Option("--json", help="write figures here")] = None,
) -> None:
    """Generate COUNT scans (mixed scan qualities) and migrate them with 1, 2…
    worker processes on Redis; print documents per minute."""
    from workers.migration.bench import MigrationBench, run_bench

    settings = _settings()
    if not settings.broker_url:
        _fail("the benchmark runs `dossier worker` processes: set DOSSIER_BROKER_URL", 2)
    counts = [int(n) for n in workers.split(",") if n.strip()]
    results = run_bench(MigrationBench(count, counts, out, seed), settings, typer.echo)
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=1), encoding="utf-8")


def show_migrations(console: Any, migrations: list[dict[str, Any]]) -> None:
    """The migration part of `dossier status`."""
    for m in migrations:
        counts = " ".join(f"{d} {m['counts'][d]}" for d in DECISIONS
                          if m.get("counts", {}).get(d))
        pace = (f", {m['per_minute']}/min, about {m['eta_minutes']} min left"
                if m.get("per_minute") is not None and m.get("eta_minutes") is not None else "")
        head = (f"migration {m['job']}: {m['status']}" if "files" not in m else
                f"migration {m['job']}: {m['status']}, {m['done']}/{m['files']} file(s){pace}")
        console.print(head + (f" — {counts}" if counts else ""))
        sched = m.get("schedule")
        if sched:
            last = sched.get("last") or {}
            result = ("never ran here" if not last else
                      f"last {last.get('finished_at')} exit {last.get('exit_code')}")
            console.print(f"    scheduled: next run {sched.get('next_run')}, {result}")


def register(app: typer.Typer, bench_app: typer.Typer) -> None:
    app.command("migrate")(migrate)
    app.command("scheduler")(scheduler)
    bench_app.command("migration")(bench_migration)


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
