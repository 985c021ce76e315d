"""`dossier keys | customers | retention | backup | restore`: the commands
of the security model (see README, "Security model")."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

keys_app = typer.Typer(help="encryption keys", no_args_is_help=True)
customers_app = typer.Typer(help="customer records: hold, export, end of relationship",
                            no_args_is_help=True)
retention_app = typer.Typer(help="legal retention of customer records", no_args_is_help=True)

Actor = Annotated[str, typer.Option("--actor", help="who does this (recorded in the audit)")]
IdNumber = Annotated[str, typer.Option("--id-number", help="the customer's ID number")]
IdType = Annotated[str | None, typer.Option("--id-type", help="resident_id, passport, …")]


def _runtime():  # type: ignore[no-untyped-def]
    from cli.main import _settings
    from workers.runtime import build_runtime

    return build_runtime(_settings())


@keys_app.command("rotate")
def keys_rotate(actor: Actor = "operator") -> None:
    """Make a new data key active and re-encrypt everything under it
    (safe while the service runs)."""
    from archive.rotation import rotate

    rt = _runtime()
    keyring = rt.store.files.keyring  # type: ignore[union-attr]
    report = rotate(keyring, rt.sessions, rt.sealer, rt.store, actor=actor)
    typer.echo(f"active key is now {report.new_key}; re-encrypted {report.fields} values and "
               f"{report.files} files in {report.passes} pass(es); old keys kept for reading: "
               f"{', '.join(report.old_keys)}")


def _customer(rt, session, id_number: str, id_type: str | None):  # type: ignore[no-untyped-def]
    from archive import customers

    found = customers.find(session, rt.sealer, id_number, id_type)
    if found is None:
        typer.echo("error: no customer with that ID number", err=True)
        raise typer.Exit(1)
    return found


@customers_app.command("export")
def customers_export(id_number: IdNumber, out: Annotated[Path, typer.Option(help="folder")],
                     id_type: IdType = None, actor: Actor = "operator") -> None:
    """A person's data and scans (PIPL access right); audited."""
    from archive import customers

    rt = _runtime()
    with rt.transaction() as session:
        customer = _customer(rt, session, id_number, id_type)
        data = customers.export(session, rt.sealer, customer, actor=actor)
        keys = {a["document_id"]: _store_key(session, a["document_id"])
                for a in data["applications"]}
    out.mkdir(parents=True, exist_ok=True)
    (out / "customer.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    for doc_id, key in keys.items():
        (out / f"scan-{doc_id}").write_bytes(rt.store.read_bytes(key))
    typer.echo(f"exported {len(data['applications'])} application(s) and scans to {out}")


def _store_key(session, document_id: str) -> str:  # type: ignore[no-untyped-def]
    from archive.models import Document

    doc = session.get(Document, document_id)
    return str(doc.store_key)


@customers_app.command("hold")
def customers_hold(id_number: IdNumber, reason: Annotated[str, typer.Option(help="why")],
                   id_type: IdType = None, actor: Actor = "operator") -> None:
    """Put a customer on legal hold (e.g. a deletion request during the
    retention period, PIPL Art. 47): nothing of theirs is removed."""
    from archive import customers

    rt = _runtime()
    with rt.transaction() as session:
        customers.place_hold(session, _customer(rt, session, id_number, id_type),
                             reason=reason, actor=actor)
    typer.echo("customer placed on legal hold")


@customers_app.command("release-hold")
def customers_release(id_number: IdNumber, id_type: IdType = None,
                      actor: Actor = "operator") -> None:
    from archive import customers

    rt = _runtime()
    with rt.transaction() as session:
        customers.release_hold(session, _customer(rt, session, id_number, id_type), actor=actor)
    typer.echo("legal hold released")


@customers_app.command("end-relationship")
def customers_end(id_number: IdNumber, on: Annotated[str | None, typer.Option(
        help="YYYY-MM-DD (default today)")] = None, id_type: IdType = None,
        actor: Actor = "operator") -> None:
    """Record that the customer relationship ended: retention runs from here."""
    from archive import customers

    when = dt.datetime.combine(dt.date.fromisoformat(on) if on else dt.date.today(),
                               dt.time(), tzinfo=dt.UTC)
    rt = _runtime()
    with rt.transaction() as session:
        customers.end_relationship(session, _customer(rt, session, id_number, id_type),
                                   when=when, actor=actor)
    typer.echo(f"relationship ended on {when.date()}")


@retention_app.command("run")
def retention_run(dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
                  actor: Actor = "retention") -> None:
    """Remove what is past retention and not on hold; record what went."""
    from archive import customers
    from archive.models import Customer

    rt = _runtime()
    years = rt.settings.retention_years
    removed = 0
    with rt.transaction() as session:
        due = customers.due_for_removal(session, now=dt.datetime.now(dt.UTC), years=years)
        ids = [c.id for c in due]
    for customer_id in ids:
        if dry_run:
            continue
        with rt.transaction() as session:
            customer = session.get(Customer, customer_id)
            removal = customers.remove(session, customer, actor=actor, years=years)
        for key in removal.store_keys:
            rt.store.delete(key)
        removed += 1
    verb = "would remove" if dry_run else "removed"
    typer.echo(f"{verb} {len(ids) if dry_run else removed} customer record(s) past "
               f"{years} years (holds respected)")


def backup(words: Annotated[list[str], typer.Argument(
        metavar="OUT | verify FILE", help="write a backup to OUT, or verify FILE")]) -> None:
    """`dossier backup OUT` writes an encrypted snapshot; `dossier backup
    verify FILE` checks one without restoring."""
    if len(words) == 2 and words[0] == "verify":
        _verify_backup(Path(words[1]))
    elif len(words) == 1 and words[0] != "verify":
        _create_backup(Path(words[0]))
    else:
        typer.echo("usage: dossier backup OUT | dossier backup verify FILE", err=True)
        raise typer.Exit(2)


def _create_backup(out: Path) -> None:
    from archive import backup as backups

    rt = _runtime()
    summary = backups.create(out, rt.sessions, rt.store, rt.store.files)  # type: ignore[arg-type]
    typer.echo(f"backup written to {out}: {sum(summary.rows.values())} rows, "
               f"{summary.files} files, audit head {summary.audit_head['seq']}")


def _verify_backup(path: Path) -> None:
    from archive import backup as backups

    rt = _runtime()
    files = rt.store.files
    try:
        manifest = backups.verify(path, files, files.keyring.material.audit_key)  # type: ignore[arg-type,union-attr]
    except backups.BackupError as exc:
        typer.echo(f"backup BROKEN: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"backup intact: {sum(manifest['rows'].values())} rows, "
               f"{len(manifest['files'])} files, audit head {manifest['audit_head']['seq']}")


def restore(path: Annotated[Path, typer.Argument(help="backup file")]) -> None:
    """Rebuild an empty home (new database, empty store) from a backup."""
    from archive import backup as backups
    from archive import checkpoint
    from cli.main import _settings
    from workers.service import prepare_home

    settings = _settings()
    if not settings.resolved_key_file.exists():
        typer.echo(f"error: no key file at {settings.resolved_key_file}: a backup opens only "
                   "with the key file it was made with (set DOSSIER_KEY_FILE)", err=True)
        raise typer.Exit(2)
    rt = _runtime()
    prepare_home(rt.settings)
    try:
        manifest = backups.restore(path, rt.sessions, rt.store, rt.store.files)  # type: ignore[arg-type]
    except backups.BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    head = manifest["audit_head"]
    if head["seq"]:
        checkpoint.advance(rt.settings.audit_checkpoint_file,
                           checkpoint.Checkpoint(head["seq"], head["hash"]))
    typer.echo(f"restored {sum(manifest['rows'].values())} rows and "
               f"{len(manifest['files'])} files; run `dossier audit verify`")
