"""The audit chain: append-only entries, each committing to the previous one.

hash(n) = SHA-256 of the canonical JSON of entry n's content *including*
prev_hash = hash(n-1). Changing, deleting, inserting or reordering any
entry breaks the chain from that entry on, which `verify` reports.

Appends must be serialised so that two writers never chain onto the same
head: PostgreSQL takes a transaction-scoped advisory lock; SQLite's
BEGIN IMMEDIATE (see `archive.db`) already holds the write lock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from archive.checkpoint import Checkpoint
from archive.models import AuditEntry

GENESIS = "0" * 64
HEAD_KEY = "dossier_audit_head"
KEY_INFO = "dossier_audit_key"  # set on the session factory by archive.db
_PG_LOCK_KEY = 0x0D055_1E5  # any constant shared by every dossier process


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(content: dict[str, Any], key: bytes | None = None) -> str:
    """HMAC-SHA256 under the audit key (from the key file, never the
    database): an attacker who can write the table still cannot forge an
    entry that verifies. Plain SHA-256 only where no key is configured."""
    if key is None:
        return hashlib.sha256(canonical(content)).hexdigest()
    return hmac.new(key, canonical(content), hashlib.sha256).hexdigest()


def _key(session: Session) -> bytes | None:
    return session.info.get(KEY_INFO)


def _content(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "document_id": entry.document_id,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    document_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry at the head of the chain, inside the caller's
    transaction (so the entry commits or rolls back with the change it
    describes). `detail` must hold no unmasked personal data."""
    _lock_chain(session)
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        seq=(head.seq + 1) if head else 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        document_id=document_id,
        detail=detail or {},
        prev_hash=head.hash if head else GENESIS,
    )
    entry.hash = entry_hash(_content(entry), _key(session))
    session.add(entry)
    session.flush()
    # Picked up after commit by the checkpoint hook (archive.db).
    session.info[HEAD_KEY] = (entry.seq, entry.hash)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(
    session: Session, checkpoint: Checkpoint | None = None, batch: int = 5000
) -> ChainReport:
    """Walk the chain in order and report the first entry that breaks it;
    with a checkpoint, also insist that the chain still reaches it."""
    prev, expected_seq, count = GENESIS, 1, 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    key = _key(session)
    for entry in session.scalars(stmt):
        problem = _check(entry, prev, expected_seq, key) or _against(entry, checkpoint)
        if problem:
            return ChainReport(False, count, prev, entry.seq, problem)
        prev, expected_seq, count = entry.hash, entry.seq + 1, count + 1
    if checkpoint is not None and checkpoint.seq >= expected_seq:
        return ChainReport(False, count, prev, expected_seq,
                           f"the chain ends at entry {expected_seq - 1} but the checkpoint "
                           f"records entry {checkpoint.seq}: entries were cut off the end")
    return ChainReport(True, count, prev)


def _against(entry: AuditEntry, checkpoint: Checkpoint | None) -> str | None:
    if checkpoint is not None and entry.seq == checkpoint.seq and entry.hash != checkpoint.hash:
        return f"entry {entry.seq} differs from the checkpointed head (rewritten chain)"
    return None


def _check(entry: AuditEntry, prev: str, expected_seq: int, key: bytes | None) -> str | None:
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing (next is {entry.seq})"
    if entry.prev_hash != prev:
        return f"entry {entry.seq} does not follow the previous entry (deleted or reordered)"
    if entry_hash(_content(entry), key) != entry.hash:
        return f"entry {entry.seq} was modified or forged (its hash does not verify)"
    return None
