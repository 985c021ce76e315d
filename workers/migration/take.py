"""Taking one source file: the inbox intake's steps, without touching the source.

Copy into the store (hashing the very bytes copied), then one transaction
for the ledger's `Drop`, the job's `MigrationFile` row and the legacy
metadata. Killed before the commit: nothing is recorded and the file is
taken next time (the store is content-addressed, so the copy is not doubled).
Killed after it: the file is known, and the run that resumes sends its
document on. The source file stays where it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from archive import audit, ledger
from archive.ledger import Taken
from archive.migration_state import FileFacts, Legacy, attach_legacy, record_file
from inbox.report import printable
from workers import quarantine
from workers.migration.source import SourceFile
from workers.runtime import Runtime

log = logging.getLogger(__name__)

ACTOR = "migration"
_SYMLINK = ("symlink", "symbolic links are not followed: copy the file itself into the source")
_EMPTY = ("empty_file", "the file is empty (0 bytes): the scan or copy failed")


@dataclass(frozen=True)
class Took:
    document_id: str | None
    outcome: str  # taken | duplicate | rejected
    reason: str | None = None

    @property
    def new(self) -> bool:
        """A new document that must be processed."""
        return self.outcome == "taken"


class MigrationIntake:
    def __init__(self, rt: Runtime, job: str, channel: str, run_id: str) -> None:
        self.rt, self.job, self.channel, self.run_id = rt, job, channel, run_id

    def take(self, source: SourceFile, legacy: Legacy | None) -> Took:
        if source.kind == "symlink":
            return self.reject(source, *_SYMLINK)
        if source.size == 0:
            return self.reject(source, *_EMPTY)
        try:
            key, sha256 = self.rt.store.put(source.path, move=False)
        except (PermissionError, IsADirectoryError) as exc:
            return self.reject(source, "unreadable_file", f"cannot be read: {exc.strerror}")
        taken = Taken(sha256, key, source.size, self.channel, source.key[-500:])
        with self.rt.transaction() as session:
            doc, duplicate = ledger.record_drop(session, taken, actor=ACTOR)
            took = Took(doc.id, "duplicate" if duplicate else "taken",
                        f"same content as {printable(doc.original_name)} ({doc.channel})"
                        if duplicate else None)
            record_file(session, self.job, self.run_id, self._facts(source, sha256, took, legacy))
            if legacy is not None:
                attach_legacy(session, doc.id, self.job, legacy, self.rt.sealer)
        return took

    def reject(self, source: SourceFile, code: str, reason: str) -> Took:
        """Turned away before the store, as the inbox turns such entries
        away: a reason file in quarantine, audited, and a row so that the
        report shows it and the next run does not repeat it."""
        where = quarantine.place(self.rt.settings.quarantine_dir, self.channel, source.path.name,
                                 source.path, reason=f"{code}: {reason}\nsource: {source.path}",
                                 move=False)
        took = Took(None, "rejected", f"{code}: {reason}")
        with self.rt.transaction() as session:
            audit.append(session, actor=ACTOR, action="rejected_at_intake",
                         detail={"channel": self.channel, "code": code,
                                 "quarantined_as": where.name})
            record_file(session, self.job, self.run_id, self._facts(source, None, took, None))
        log.warning("rejected %s: %s", quarantine.safe_name(source.key), code)
        return took

    def _facts(self, source: SourceFile, sha256: str | None, took: Took,
               legacy: Legacy | None) -> FileFacts:
        return FileFacts(source.key, source.size, source.mtime_ns, sha256, took.document_id,
                         took.outcome, took.reason, legacy.row if legacy else None)
