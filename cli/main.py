"""The `dossier` command line."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from cli import operations as ops
from cli import security
from config.errors import DossierError
from config.settings import Settings

app = typer.Typer(help="dossier: customer onboarding document automation", no_args_is_help=True)
db_app = typer.Typer(help="database schema", no_args_is_help=True)
audit_app = typer.Typer(help="the audit chain", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(security.keys_app, name="keys")
app.add_typer(security.customers_app, name="customers")
app.add_typer(security.retention_app, name="retention")
app.command("backup")(security.backup)
app.command("restore")(security.restore)
app.add_typer(ops.failed_app, name="failed")
app.add_typer(ops.quarantine_app, name="quarantine")
app.command("health")(ops.health)


def _register_review() -> None:
    # Imported late: the workspace's web stack is only loaded by the
    # commands that use it.
    from cli.review_commands import register

    register(app, bench_app)


def _register_migration() -> None:
    from cli.migration_commands import register

    register(app, bench_app)  # dossier migrate / scheduler / bench migration (issue 6)


def _settings() -> Settings:
    from workers.logs import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    return settings


@app.command()
def run() -> None:
    """Watch the inbox and process documents in this one process (embedded)."""
    from workers.service import run_embedded, stop_on_signals

    settings = _settings()
    stop = stop_on_signals()
    typer.echo(f"dossier: drop scans into {settings.inbox_dir.resolve()}/<channel>/ "
               f"(Ctrl-C to stop)")
    run_embedded(settings, stop)


@app.command()
def watch() -> None:
    """Watch the inbox and enqueue documents on the shared broker (Redis)."""
    from workers.service import run_watch, stop_on_signals

    settings = _settings()
    if not settings.broker_url:
        _fail("`dossier watch` needs DOSSIER_BROKER_URL (redis://…); use `dossier run` "
              "for the embedded mode", 2)
    run_watch(settings, stop_on_signals())


@app.command()
def worker(
    processes: Annotated[int | None, typer.Option(help="worker processes")] = None,
    threads: Annotated[int | None, typer.Option(help="threads per process")] = None,
) -> None:
    """Run Dramatiq worker processes against the shared broker (Redis)."""
    from workers.service import exec_workers

    settings = _settings()
    if not settings.broker_url:
        _fail("`dossier worker` needs DOSSIER_BROKER_URL (redis://…)", 2)
    exec_workers(settings, processes or settings.worker.processes,
                 threads or settings.worker.threads)


@app.command()
def process(
    paths: Annotated[list[Path], typer.Argument(help="files to process")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="do not touch the archive")] = False,
) -> None:
    """Run the whole pipeline synchronously on the given files."""
    from workers.direct import process_path
    from workers.runtime import build_runtime
    from workers.service import prepare_home

    missing = [p for p in paths if not p.is_file()]
    if missing:
        _fail(f"not a file: {', '.join(map(str, missing))}", 2)
    settings = _settings()
    if not dry_run:
        prepare_home(settings)
    rt = build_runtime(settings)
    worst = 0
    for path in paths:
        outcome = process_path(rt, path, dry_run=dry_run)
        worst = max(worst, 1 if outcome.decision in ("quarantined", "failed") else 0)
        _print_outcome(path, outcome, as_json)
    raise typer.Exit(worst)


def _print_outcome(path: Path, outcome: object, as_json: bool) -> None:
    data = {"source": str(path), **asdict(outcome)}  # type: ignore[call-overload]
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    issues = data.get("issues") or []
    codes = ", ".join(sorted({i["code"] for i in issues if not i["advisory"]}))
    notes = ", ".join(sorted({i["code"] for i in issues if i["advisory"]}))
    extra = " ".join(filter(None, [codes or data.get("reason"), notes and f"(notes: {notes})"]))
    typer.echo(f"{path}: {data['decision']} {data['document_id'] or ''} {extra}".rstrip())


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents per state and per channel, reconciled against the files
    taken (exit 1 when they do not add up), and what the watcher could not take."""
    from cli.operations import show_status

    show_status(as_json)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version."""
    from archive.db import upgrade

    settings = _settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    typer.echo("database schema is up to date")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit chain; exit 1 at the first broken entry."""
    from archive import audit, checkpoint
    from workers.runtime import build_runtime

    rt = build_runtime(_settings())
    with rt.transaction() as session:
        report = audit.verify(session, checkpoint.read(rt.settings.audit_checkpoint_file))
    if report.ok:
        typer.echo(f"audit chain intact: {report.count} entries, head {report.head}")
        return
    _fail(f"audit chain BROKEN at entry {report.first_bad_seq}: {report.problem}", 1)


@app.command()
def samples(
    out: Annotated[Path, typer.Option(help="output folder")],
    count: Annotated[int, typer.Option(help="how many forms")] = 10,
    seed: Annotated[int, typer.Option(help="random seed")] = 1,
) -> None:
    """Generate labelled KYC-P01 forms (fictitious people) with truth files."""
    from samplegen import generate

    written = generate(count, seed, out)
    typer.echo(f"wrote {len(written)} forms with truth files to {out}")


bench_app = typer.Typer(help="measure the pipeline on labelled sets", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("accuracy")
def bench_accuracy(
    folder: Annotated[Path, typer.Argument(help="form files with *.truth.json beside them")],
    today: Annotated[str | None, typer.Option(
        help="judge as of YYYY-MM-DD (default: the set's latest rule-abiding sign date)")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="write figures here")] = None,
    processes: Annotated[int, typer.Option(help="worker processes")] = 2,
) -> None:
    """Extract+decide every labelled form (no archive writes) and print the figures."""
    import datetime as dt

    from workers.bench.accuracy import AccuracyRun, bench_accuracy

    if not folder.is_dir():
        _fail(f"not a folder: {folder}", 2)
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError:
        _fail(f"--today must be YYYY-MM-DD, not {today!r}", 2)
    run = AccuracyRun(folder, day, json_out, processes)
    try:
        bench_accuracy(run, _settings(), typer.echo, _bench_progress)
    except FileNotFoundError as exc:
        _fail(str(exc), 2)


@bench_app.command("throughput")
def bench_throughput(
    folder: Annotated[Path, typer.Argument(help="form files with *.truth.json beside them")],
    limit: Annotated[int | None, typer.Option(help="only the first N files")] = None,
    scaling: Annotated[bool, typer.Option(help="also time one vs two worker processes")] = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="write figures here")] = None,
) -> None:
    """Full pipeline vs raw Tesseract on the same pages, in one run."""
    import json

    from workers.bench.throughput import ThroughputRun, bench_throughput, report

    if not folder.is_dir():
        _fail(f"not a folder: {folder}", 2)
    try:
        result = bench_throughput(ThroughputRun(folder, limit, scaling), typer.echo)
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    figures = report(result, typer.echo)
    if json_out:
        json_out.write_text(json.dumps(figures, indent=1), encoding="utf-8")


def _bench_progress(done: int, total: int) -> None:
    typer.echo(f"\r{done}/{total}", nl=False, err=True)


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def main() -> None:
    try:
        app()
    except DossierError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)


_register_review()  # dossier serve / users / review / bench review (the review workspace)
_register_migration()

if __name__ == "__main__":
    main()
