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
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from archive.models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x0D055_1E5  # any constant shared by every dossier process


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


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
    entry.hash = entry_hash(_content(entry))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    count: int
    head: str
    first_bad_seq: int | None = None
    problem: str | None = None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order and report the first entry that breaks it."""
    prev, expected_seq, count = GENESIS, 1, 0
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    for entry in session.scalars(stmt):
        problem = _check(entry, prev, expected_seq)
        if problem:
            return ChainReport(False, count, prev, entry.seq, problem)
        prev, expected_seq, count = entry.hash, entry.seq + 1, count + 1
    return ChainReport(True, count, prev)


def _check(entry: AuditEntry, prev: str, expected_seq: int) -> str | None:
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing (next is {entry.seq})"
    if entry.prev_hash != prev:
        return f"entry {entry.seq} does not follow the previous entry (deleted or reordered)"
    if entry_hash(_content(entry)) != entry.hash:
        return f"entry {entry.seq} was modified after it was written"
    return None
