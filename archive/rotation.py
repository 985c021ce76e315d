"""Key rotation: a new data key becomes active, and everything sealed under
an older key is re-encrypted — while the service keeps running.

Running workers re-read the key file when it changes, so they seal new
values under the new key within moments; rows they wrote just before are
caught by the next pass. Old keys stay in the file (they cost nothing and
make a half-finished rotation harmless); nothing is ever decrypted to disk.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from archive import audit
from archive.crypto import Keyring, new_key_material, read_key_file, write_key_file
from archive.models import Application, Customer
from archive.records import Sealer
from archive.store import DirectoryStore

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class RotationReport:
    old_keys: list[str]
    new_key: str
    fields: int = 0
    files: int = 0
    passes: int = 0
    per_table: dict[str, int] = field(default_factory=dict)


def add_active_key(path: Path) -> tuple[list[str], str]:
    """Append a fresh key to the key file and make it the active one."""
    material = read_key_file(path)
    fresh = new_key_material()
    write_key_file(path, type(material)(fresh.active, {**material.keys, **fresh.keys},
                                        material.index_key, material.audit_key))
    return list(material.keys), fresh.active


def rotate(
    keyring: Keyring, sessions: sessionmaker[Session], sealer: Sealer, store: DirectoryStore,
    *, actor: str, max_passes: int = 5,
) -> RotationReport:
    old, new = add_active_key(keyring.path)
    report = RotationReport(old, new)
    # Repeat until a pass finds nothing under an old key: a worker may have
    # sealed a value with the old key just before it saw the new file.
    while report.passes < max_passes:
        report.passes += 1
        if not _reseal_rows(sessions, sealer, report) + _reencrypt_files(store, report):
            break
    with sessions.begin() as session:
        audit.append(session, actor=actor, action="keys_rotated",
                     detail={"from": old, "to": new, "fields": report.fields,
                             "files": report.files})
    return report


def _reseal_rows(sessions: sessionmaker[Session], sealer: Sealer,
                 report: RotationReport) -> int:
    changed = 0
    for model, reseal in ((Application, _reseal_application), (Customer, _reseal_customer)):
        for ids in _batches(sessions, model):
            with sessions.begin() as session:
                rows = session.scalars(select(model).where(model.id.in_(ids))
                                       .with_for_update()).all()
                n = sum(reseal(row, sealer) for row in rows)
            changed += n
            report.per_table[model.__tablename__] = report.per_table.get(
                model.__tablename__, 0) + n
    report.fields += changed
    return changed


def _batches(sessions: sessionmaker[Session], model: type) -> Iterator[list[str]]:
    with sessions.begin() as session:
        ids = list(session.scalars(select(model.id).order_by(model.id)))  # type: ignore[attr-defined]
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _reseal_application(app: Application, sealer: Sealer) -> int:
    values = {k: sealer.reseal(v, app.id, k) for k, v in app.values.items()}
    raw = sealer.reseal(app.raw, app.id, "raw")
    changed = sum(values[k] is not app.values[k] for k in values) + (raw is not app.raw)
    if changed:
        app.values, app.raw = values, raw
    return changed


def _reseal_customer(customer: Customer, sealer: Sealer) -> int:
    changed = 0
    for column, field_name in (("id_number_sealed", "id_number"), ("name_sealed", "name")):
        token = getattr(customer, column)
        if token is None or sealer.cipher.key_id_of(token) == sealer.cipher.keyring.active_id:
            continue
        value = sealer.open_token(token, customer.id, field_name)
        setattr(customer, column, sealer.token(value, customer.id, field_name))
        changed += 1
    return changed


def _reencrypt_files(store: DirectoryStore, report: RotationReport) -> int:
    if store.files is None:
        return 0
    changed = 0
    for key in list(store.keys()):
        changed += _reencrypt_file(store, key)
    report.files += changed
    return changed


def _reencrypt_file(store: DirectoryStore, key: str) -> int:
    files = store.files
    assert files is not None
    path = store.path(key)
    with path.open("rb") as fh:
        if files.key_id_of(fh) == files.keyring.active_id:
            return 0
    tmp = path.with_name(f".{path.name}.rotate.{os.getpid()}")
    try:
        # Decrypted in memory (checked against its hash), never to a plain file.
        with tmp.open("wb") as dst:
            files.encrypt(io.BytesIO(store.read_bytes(key)), dst, b"store")
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return 1

