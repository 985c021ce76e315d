"""Operator commands: `status` (reconciled), `failed`, `quarantine`, `health`.

Registered on the main app by `cli.main`; the work is done by
`workers.operations` and `workers.health`, this module only talks.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer

from config.settings import Settings

failed_app = typer.Typer(help="documents that failed after their retries", no_args_is_help=True)
quarantine_app = typer.Typer(help="quarantined documents and rejected files",
                             no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def _runtime(ocr: bool = False) -> Any:
    """Commands that never read a page get a stand-in OCR engine, so that
    they (and `health`, which checks Tesseract itself) work without it."""
    from cli.main import _settings
    from extractors.ocr import FakeOcrEngine
    from workers.runtime import build_runtime

    settings: Settings = _settings()
    return build_runtime(settings, ocr=None if ocr else FakeOcrEngine())


def show_status(as_json: bool) -> None:
    """`dossier status`: counts, the reconciliation, the watcher's problems;
    exit 1 when the files taken do not add up."""
    from archive import ledger
    from workers.migration.status import migration_status
    from workers.operations import reconcile, watcher_state

    rt = _runtime()
    with rt.transaction() as session:
        data = ledger.status(session)
    data["reconciliation"] = reconcile(rt)
    data["watcher"] = watcher_state(rt)
    data["migrations"] = migration_status(rt)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        _print_status(data)
    if not data["reconciliation"]["ok"]:
        raise typer.Exit(1)


def _print_status(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    states = list(data["states"])
    rec = data["reconciliation"]["channels"]
    table = Table(title="dossier documents")
    for col in ("channel", "taken", *states, "dup", "rejected", "adds up"):
        table.add_column(col, justify="left" if col == "channel" else "right")
    for channel, c in sorted(rec.items()):
        table.add_row(channel, str(c["taken"]), *(str(c["states"].get(s, 0)) for s in states),
                      str(c["duplicates"]), str(c["rejected_at_intake"]),
                      "yes" if c["adds_up"] else "[b red]NO[/b red]")
    table.add_row("[b]all[/b]", str(sum(c["taken"] for c in rec.values())),
                  *(f"[b]{data['states'][s]}[/b]" for s in states), str(data["duplicates"]),
                  str(sum(c["rejected_at_intake"] for c in rec.values())), "")
    console = Console()
    console.print(table)
    typer.echo(f"duplicate drops: {data['duplicates']}")
    for problem in data["reconciliation"]["problems"]:
        console.print(f"[b red]DOES NOT ADD UP:[/b red] {problem}")
    _print_watcher(console, data["watcher"])
    from cli.migration_commands import show_migrations

    show_migrations(console, data["migrations"])


def _print_watcher(console: Any, watcher: dict[str, Any]) -> None:
    if not watcher["seen"]:
        typer.echo("watcher: no status file yet (never started here)")
        return
    state = "alive" if watcher["alive"] else "[b red]NOT RUNNING[/b red]"
    console.print(f"watcher: {state}, last seen {watcher['age_seconds']} s ago "
                  f"(pid {watcher.get('pid')} on {watcher.get('host')}), "
                  f"{watcher.get('pending', 0)} file(s) settling")
    for p in watcher["problems"]:
        console.print(f"[b yellow]not taken[/b yellow] {p['channel']}/{p['name']} "
                      f"since {p['since']}: {p['reason']}")


def _print_listing(rows: list[Any], as_json: bool, empty: str) -> None:
    if as_json:
        typer.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False))
        return
    if not rows:
        typer.echo(empty)
    for r in rows:
        typer.echo(f"{r.document_id}  {r.channel}/{r.name}  attempts {r.attempts}  "
                   f"{r.updated_at}\n    {r.reason}")


@failed_app.command("list")
def failed_list(as_json: JsonFlag = False) -> None:
    """Documents that failed after every retry, with the reason."""
    from archive.models import DocState
    from workers.operations import listing

    _print_listing(listing(_runtime(), DocState.FAILED), as_json, "no failed documents")


@failed_app.command("retry")
def failed_retry(
    ids: Annotated[list[str] | None, typer.Argument(help="document ids")] = None,
    all_failed: Annotated[bool, typer.Option("--all", help="every failed document")] = False,
) -> None:
    """Reset failed documents to `received` (audited) and process them again."""
    from archive.models import DocState
    from workers.operations import ids_in_state

    rt = _runtime(ocr=True)
    if bool(ids) == all_failed:
        typer.echo("error: give document ids or --all", err=True)
        raise typer.Exit(2)
    wanted = ids_in_state(rt, DocState.FAILED) if all_failed else list(ids or [])
    _reopen_and_redrive(rt, wanted, DocState.FAILED, "retry_requested")


@quarantine_app.command("list")
def quarantine_list(as_json: JsonFlag = False) -> None:
    """Quarantined documents, and files turned away at the inbox."""
    from archive.models import DocState
    from workers.operations import listing, rejected_listing

    rt = _runtime()
    rows = listing(rt, DocState.QUARANTINED)
    rejected = rejected_listing(rt)
    if as_json:
        typer.echo(json.dumps({"documents": [asdict(r) for r in rows], "rejected": rejected},
                              ensure_ascii=False))
        return
    _print_listing(rows, False, "no quarantined documents")
    for r in rejected:
        typer.echo(f"rejected at the inbox {r['at']}  {r.get('channel')}: {r.get('code')} "
                   f"(in quarantine as {r.get('quarantined_as')})")


@quarantine_app.command("release")
def quarantine_release(
    ids: Annotated[list[str], typer.Argument(help="document ids")],
) -> None:
    """Process quarantined documents again once their cause is fixed
    (e.g. a limit raised); audited."""
    from archive.models import DocState

    _reopen_and_redrive(_runtime(ocr=True), ids, DocState.QUARANTINED, "released")


def _reopen_and_redrive(rt: Any, ids: list[str], state: Any, action: str) -> None:
    from workers.operations import redrive, reopen

    reopened = reopen(rt, ids, state, action)
    for doc_id in sorted(set(ids) - set(reopened)):
        typer.echo(f"{doc_id}: not {state.value}, left alone", err=True)
    for doc_id, what in redrive(rt, reopened).items():
        typer.echo(f"{doc_id}: {what}")
    if len(reopened) != len(set(ids)):
        raise typer.Exit(1)


def health(as_json: JsonFlag = False) -> None:
    """Broker, database, Tesseract and disk; exit 1 when unhealthy."""
    from workers.health import health_report

    report = health_report(_runtime())
    if as_json:
        typer.echo(json.dumps(report))
    else:
        for name, check in report["checks"].items():
            mark = "ok  " if check["ok"] else "FAIL"
            typer.echo(f"{mark} {name:10} {check['detail']} ({check['ms']} ms)")
        typer.echo("healthy" if report["ok"] else "UNHEALTHY")
    if not report["ok"]:
        raise typer.Exit(1)
