"""Taking a file from the inbox: store it, register it, enqueue it.

Order matters for "nothing is lost": copy into the store (hashing the very
bytes copied), commit the ledger row, and only then remove the file from
the inbox. A crash before the commit leaves the file in the inbox to be
taken again; a crash after it leaves a document in `received`, which the
start-up sweep re-drives.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from archive import audit, ledger
from archive.ledger import Taken
from inbox.report import printable
from inbox.scan import Candidate
from workers import quarantine
from workers.runtime import Runtime

log = logging.getLogger(__name__)

Enqueue = Callable[[str], None]


class Intake:
    """The inbox `Handoff` of this installation."""

    def __init__(self, rt: Runtime, enqueue: Enqueue) -> None:
        self.rt = rt
        self.enqueue = enqueue

    def take(self, candidate: Candidate) -> None:
        path = candidate.path
        before = path.stat()
        key, sha256 = self.rt.store.put(path, move=False)
        taken = Taken(sha256, key, before.st_size, candidate.channel, printable(path.name))
        with self.rt.transaction() as session:
            doc, duplicate = ledger.record_drop(session, taken)
            doc_id = doc.id
        _remove_if_unchanged(path, (before.st_size, before.st_mtime_ns))
        log.info("took %s from %s as %s%s", _shown(path), candidate.channel, doc_id,
                 " (duplicate)" if duplicate else "")
        if not duplicate:
            self._send(doc_id)

    def _send(self, doc_id: str) -> None:
        """The document is safe in the ledger whatever happens here: a
        message the broker did not take is sent again by the sweep."""
        try:
            self.enqueue(doc_id)
        except Exception as exc:  # the broker's own errors (Redis down) vary by client
            log.warning("document %s is registered but not queued (%s: %s); it will be "
                        "re-sent", doc_id, type(exc).__name__, exc)

    def reject(self, candidate: Candidate, code: str, reason: str) -> None:
        where = quarantine.place(
            self.rt.settings.quarantine_dir, candidate.channel, candidate.path.name,
            candidate.path, reason=f"{code}: {reason}", move=True,
        )
        # Audited after the move: a database outage here loses the entry,
        # never the file (it is in quarantine with its reason).
        with self.rt.transaction() as session:
            audit.append(session, actor="system", action="rejected_at_intake",
                         detail={"channel": candidate.channel, "code": code,
                                 "quarantined_as": where.name})
        log.warning("rejected %s from %s: %s", _shown(candidate.path), candidate.channel, code)


def _remove_if_unchanged(path: Path, signature: tuple[int, int]) -> None:
    """Remove the inbox copy unless someone rewrote it meanwhile (then the
    new content will be taken on its own)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if (st.st_size, st.st_mtime_ns) == signature:
        path.unlink(missing_ok=True)


def _shown(path: Path) -> str:
    return quarantine.safe_name(path.name)
