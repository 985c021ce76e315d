"""The security model, end to end on SQLite and PostgreSQL: nothing
personal in plain text at rest or in logs, backups that restore and verify,
key rotation that loses nothing, retention that respects holds."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from archive import audit, backup, checkpoint, customers
from archive.models import Application, Base, Customer
from archive.rotation import rotate
from config.settings import Settings
from samplegen import generate
from workers.direct import process_path
from workers.runtime import Runtime, build_runtime
from workers.service import prepare_home

DOSSIER = str(Path(sys.executable).parent / "dossier")
REFERENCE = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("forms")
    return generate(6, 4242, out, qualities=["digital"], reference_date=REFERENCE)


@pytest.fixture(scope="module")
def clean_forms(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Forms that break no rule: each becomes an archived customer."""
    out = tmp_path_factory.mktemp("clean")
    return generate(3, 4343, out, qualities=["digital"], reference_date=REFERENCE,
                    defect_rate=0.0)


def secrets_of(forms: list[Path]) -> list[str]:
    """The personal values a leak would show: ID numbers, mobiles, names."""
    found = []
    for form in forms:
        truth = json.loads(form.with_suffix(".truth.json").read_text())["fields"]
        found += [str(truth[k]) for k in ("id_number", "mobile", "name") if truth[k]]
    return found


def make_runtime(home: Path, database_url: str) -> Runtime:
    settings = Settings(home=home, database_url=database_url)
    prepare_home(settings)
    rt = build_runtime(settings)
    rt.today = lambda: REFERENCE
    return rt


def dump_database(rt: Runtime) -> str:
    """Every row of every table as text: what a stolen dump would show."""
    parts = []
    with rt.transaction() as session:
        for table in Base.metadata.sorted_tables:
            parts += [str(tuple(r)) for r in session.execute(select(table))]
    return "\n".join(parts)


def test_no_personal_value_in_plain_text_in_the_database_store_or_logs(
    database_url: str, forms: list[Path], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = {"PATH": "/usr/bin:/bin", "DOSSIER_HOME": str(home),
           "DOSSIER_DATABASE_URL": database_url, "DOSSIER_LOG_LEVEL": "DEBUG"}
    done = subprocess.run([DOSSIER, "process", *map(str, forms)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rt = make_runtime(home, database_url)
    dump = dump_database(rt)
    stored = b"".join(p.read_bytes() for p in (home / "store").rglob("*") if p.is_file())
    sqlite_file = (home / "dossier.db").read_bytes() if (home / "dossier.db").exists() else b""
    with rt.transaction() as session:
        archived = session.scalar(select(Application.id).limit(1))
    assert archived, "nothing was archived: the test would prove nothing"
    for secret in secrets_of(forms):
        assert secret not in dump, "plain personal value in the database"
        assert secret.encode() not in stored + sqlite_file, "plain personal value on disk"
        assert secret not in done.stdout + done.stderr, "plain personal value in the logs"
    rt.close()


def test_a_value_swapped_between_two_rows_is_detected(
    database_url: str, forms: list[Path], tmp_path: Path
) -> None:
    rt = make_runtime(tmp_path / "home", database_url)
    for form in forms[:2]:
        process_path(rt, form, dry_run=False)
    with rt.transaction() as session:
        a, b = session.scalars(select(Application).limit(2)).all()
        a_mobile = a.values["mobile"]
        a.values = {**a.values, "mobile": b.values["mobile"]}
        b.values = {**b.values, "mobile": a_mobile}
    with rt.transaction() as session, pytest.raises(Exception, match="does not decrypt"):
        for app in session.scalars(select(Application)):
            rt.sealer.open_values(app.values, app.id)
    rt.close()


def test_backup_wipe_restore_then_the_chain_verifies_and_every_record_decrypts(
    database_url: str, forms: list[Path], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    rt = make_runtime(tmp_path / "home", database_url)
    for form in forms:
        process_path(rt, form, dry_run=False)
    before = _opened_records(rt)
    out = tmp_path / "backup.dsbk"
    summary = backup.create(out, rt.sessions, rt.store, rt.store.files)  # type: ignore[arg-type]
    assert summary.files == len(forms)
    keyring = rt.store.files.keyring  # type: ignore[union-attr]
    backup.verify(out, rt.store.files, keyring.material.audit_key)  # type: ignore[arg-type]
    rt.close()
    # A new, empty home and database; the same key file (kept apart).
    new_url = _fresh_url(database_url, tmp_path, request)
    settings = Settings(home=tmp_path / "new-home", database_url=new_url,
                        key_file=keyring.path)
    prepare_home(settings)
    restored_rt = build_runtime(settings)
    manifest = backup.restore(out, restored_rt.sessions, restored_rt.store,
                              restored_rt.store.files)  # type: ignore[arg-type]
    head = manifest["audit_head"]
    checkpoint.advance(settings.audit_checkpoint_file, checkpoint.Checkpoint(head["seq"],
                                                                              head["hash"]))
    with restored_rt.transaction() as session:
        report = audit.verify(session, checkpoint.read(settings.audit_checkpoint_file))
    assert report.ok and report.count == head["seq"]
    assert _opened_records(restored_rt) == before
    for key in manifest["files"]:
        assert restored_rt.store.read_bytes(key)  # decrypts and matches its hash
    restored_rt.close()


def test_a_damaged_backup_fails_verification(forms: list[Path], tmp_path: Path) -> None:
    rt = make_runtime(tmp_path / "home", f"sqlite:///{tmp_path / 'a.db'}")
    process_path(rt, forms[0], dry_run=False)
    out = tmp_path / "b.dsbk"
    backup.create(out, rt.sessions, rt.store, rt.store.files)  # type: ignore[arg-type]
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    out.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError):
        backup.verify(out, rt.store.files, None)  # type: ignore[arg-type]
    rt.close()


def test_key_rotation_under_load_loses_nothing(
    database_url: str, forms: list[Path], tmp_path: Path
) -> None:
    rt = make_runtime(tmp_path / "home", database_url)
    for form in forms[:3]:
        process_path(rt, form, dry_run=False)
    more = generate(6, 77, tmp_path / "more", qualities=["digital"], reference_date=REFERENCE)
    loader = threading.Thread(target=lambda: [process_path(rt, f, dry_run=False) for f in more])
    loader.start()
    keyring = rt.store.files.keyring  # type: ignore[union-attr]
    report = rotate(keyring, rt.sessions, rt.sealer, rt.store, actor="test")
    loader.join()
    rotate_again = rotate(keyring, rt.sessions, rt.sealer, rt.store, actor="test")
    del rotate_again  # a second rotation catches anything sealed during the first
    records = _opened_records(rt)
    assert len(records) == 9
    assert report.fields > 0 and report.files >= 3
    with rt.transaction() as session:
        for app in session.scalars(select(Application)):
            for value in app.values.values():
                if isinstance(value, dict):
                    assert rt.sealer.current(value)
    rt.close()


def test_retention_removes_only_what_is_past_its_period_and_not_on_hold(
    database_url: str, clean_forms: list[Path], tmp_path: Path
) -> None:
    rt = make_runtime(tmp_path / "home", database_url)
    for form in clean_forms:
        process_path(rt, form, dry_run=False)
    now = dt.datetime.now(dt.UTC)
    with rt.transaction() as session:
        old, held, recent = session.scalars(select(Customer).order_by(Customer.id)).all()[:3]
        customers.end_relationship(session, old, when=now - dt.timedelta(days=3700),
                                   actor="t")
        customers.end_relationship(session, held, when=now - dt.timedelta(days=3700),
                                   actor="t")
        customers.place_hold(session, held, reason="data-subject request", actor="t")
        customers.end_relationship(session, recent, when=now - dt.timedelta(days=30),
                                   actor="t")
        old_id = old.id
    with rt.transaction() as session:
        due = customers.due_for_removal(session, now=now, years=10)
        assert [c.id for c in due] == [old_id]
        removal = customers.remove(session, due[0], actor="t", years=10)
    for key in removal.store_keys:
        rt.store.delete(key)
    with rt.transaction() as session:
        assert session.get(Customer, old_id) is None
        assert session.scalar(text("SELECT count(*) FROM customers")) >= 2
        assert audit.verify(session).ok
        actions = list(session.scalars(text(
            "SELECT action FROM audit_entries WHERE action = 'retention_removed'")))
    assert actions == ["retention_removed"]
    rt.close()


def _opened_records(rt: Runtime) -> dict[str, Any]:
    with rt.transaction() as session:
        apps = session.scalars(select(Application)).all()
        return {a.id: rt.sealer.open_values(a.values, a.id) for a in apps}


def _fresh_url(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    from services import fresh_database

    admin = request.getfixturevalue("postgres_admin")
    ctx = fresh_database(admin)
    url = ctx.__enter__()
    request.addfinalizer(lambda: ctx.__exit__(None, None, None))
    return url
