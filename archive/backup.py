"""Backups: a consistent, encrypted snapshot of the archive.

One file holds a tar of: every table's rows (JSON lines, read in a single
transaction, so the snapshot is consistent), the stored scans exactly as
they are on disk (already encrypted), the audit head, and a manifest with
counts and hashes. The tar itself is sealed with the active data key
(`archive.crypto.FileCipher`), so the backup is no weaker than the
archive; the key file is NOT in it and must be kept safe separately.
Works the same for SQLite and PostgreSQL (no dump tools needed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from archive import audit
from archive.crypto import FileCipher
from archive.models import AuditEntry, Base, Document
from archive.store import DirectoryStore

FORMAT = "dossier-backup/1"
CONTEXT = b"backup"


class BackupError(Exception):
    """The backup file is damaged, incomplete or does not match its manifest."""


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$dt"}:
        return dt.datetime.fromisoformat(value["$dt"])
    return value


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]
    files: int
    audit_head: dict[str, Any]


def create(out: Path, sessions: sessionmaker[Session], store: DirectoryStore,
           cipher: FileCipher) -> BackupSummary:
    with tempfile.TemporaryDirectory(prefix="dossier-backup-") as tmp:
        tar_path = Path(tmp) / "backup.tar"
        with tarfile.open(tar_path, "w") as tar, sessions.begin() as session:
            _snapshot_isolation(session)
            rows = {t.name: _add_table(tar, session, t) for t in _tables()}
            keys = list(session.scalars(select(Document.store_key)))
            head = _head(session)
            files = {key: _add_file(tar, store, key) for key in keys if store.exists(key)}
            manifest = {"format": FORMAT, "created_at": dt.datetime.now(dt.UTC).isoformat(),
                        "rows": rows, "files": files, "audit_head": head}
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
        out.parent.mkdir(parents=True, exist_ok=True)
        with tar_path.open("rb") as src, out.open("wb") as dst:
            cipher.encrypt(src, dst, CONTEXT)
    return BackupSummary(out, rows, len(files), head)


def _snapshot_isolation(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _head(session: Session) -> dict[str, Any]:
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                          .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return {"seq": row.seq, "hash": row.hash} if row else {"seq": 0, "hash": audit.GENESIS}


def _add_table(tar: tarfile.TarFile, session: Session, table: Table) -> int:
    lines, count = [], 0
    order = list(table.primary_key.columns)
    for row in session.execute(select(table).order_by(*order)).mappings():
        lines.append(json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False))
        count += 1
    _add_bytes(tar, f"tables/{table.name}.jsonl", "\n".join(lines).encode())
    return count


def _add_file(tar: tarfile.TarFile, store: DirectoryStore, key: str) -> str:
    data = store.path(key).read_bytes()
    _add_bytes(tar, f"store/{key}", data)
    return hashlib.sha256(data).hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


# --- reading a backup ----------------------------------------------------


class _Opened:
    """A decrypted backup, as a tar in a private temporary folder."""

    def __init__(self, path: Path, cipher: FileCipher) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="dossier-restore-")
        tar_path = Path(self._tmp.name) / "backup.tar"
        try:
            with path.open("rb") as src, tar_path.open("wb") as dst:
                cipher.decrypt(src, dst, CONTEXT)
        except Exception as exc:
            self._tmp.cleanup()
            raise BackupError(f"cannot decrypt {path}: {exc}") from exc
        self.tar = tarfile.open(tar_path)  # noqa: SIM115 - closed by close()
        self.manifest = json.loads(self.read("manifest.json"))
        if self.manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {self.manifest.get('format')!r}")

    def read(self, name: str) -> bytes:
        member = self.tar.extractfile(name)
        if member is None:
            raise BackupError(f"backup lacks {name}")
        return member.read()

    def rows(self, table: str) -> Iterator[dict[str, Any]]:
        text = self.read(f"tables/{table}.jsonl").decode()
        for line in filter(None, text.split("\n")):
            yield {k: _decode(v) for k, v in json.loads(line).items()}

    def close(self) -> None:
        self.tar.close()
        self._tmp.cleanup()


def verify(path: Path, cipher: FileCipher, audit_key: bytes | None) -> dict[str, Any]:
    """Check a backup without restoring it: it decrypts, every file matches
    its hash, every table has its rows, and its audit chain verifies up to
    the recorded head. Raises BackupError naming the first problem."""
    opened = _Opened(path, cipher)
    try:
        for key, digest in opened.manifest["files"].items():
            if hashlib.sha256(opened.read(f"store/{key}")).hexdigest() != digest:
                raise BackupError(f"stored file {key} does not match the manifest")
        for table, expected in opened.manifest["rows"].items():
            if sum(1 for _ in opened.rows(table)) != expected:
                raise BackupError(f"table {table} lacks rows")
        _verify_chain(opened, audit_key)
        return opened.manifest
    finally:
        opened.close()


def _verify_chain(opened: _Opened, key: bytes | None) -> None:
    prev = audit.GENESIS
    for row in opened.rows("audit_entries"):
        content = {k: row[k] for k in ("seq", "at", "actor", "action", "document_id",
                                       "detail", "prev_hash")}
        if row["prev_hash"] != prev or audit.entry_hash(content, key) != row["hash"]:
            raise BackupError(f"audit entry {row['seq']} in the backup does not verify")
        prev = row["hash"]
    if prev != opened.manifest["audit_head"]["hash"]:
        raise BackupError("the backup's audit chain does not reach its recorded head")


def restore(path: Path, sessions: sessionmaker[Session], store: DirectoryStore,
            cipher: FileCipher) -> dict[str, Any]:
    """Rebuild an empty archive (schema already created) from a backup."""
    opened = _Opened(path, cipher)
    try:
        with sessions.begin() as session:
            _require_empty(session)
            for table in _tables():
                rows = list(opened.rows(table.name))
                if rows:
                    session.execute(insert(table), rows)
        for key in opened.manifest["files"]:
            target = store.path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(opened.read(f"store/{key}"))
        return opened.manifest
    finally:
        opened.close()


def _require_empty(session: Session) -> None:
    for table in _tables():
        if session.scalar(select(func.count()).select_from(table)):
            raise BackupError(f"the target archive is not empty ({table.name} has rows): "
                              "restore only into a new, empty home")
