"""`dossier migrate --dry-run`: what a run would take, skip and why,
without writing anything (no store, no ledger, no schema, no key file).

Each file is hashed (a duplicate is judged by content, as the real run
does) and loaded with the pipeline's own loader and limits, so "would be
quarantined" names the same reason code the pipeline would. Whether a page
is this bank's form is only known after reading it; that is left to the run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import inspect, select

from archive.db import make_engine
from archive.models import Document, MigrationFile
from config.errors import RejectedInput
from config.settings import Settings
from extractors.loader import LoadLimits, load_document
from workers.migration.jobs import MigrationJob
from workers.migration.register import Register, read_register
from workers.migration.source import SourceFile, walk


@dataclass(frozen=True)
class Verdict:
    path: str
    action: str  # take | skip | quarantine
    reason: str
    register_row: int | None = None


def dry_run(settings: Settings, job: MigrationJob) -> Iterator[Verdict]:
    register = _register(settings, job)
    known, archived = _archive_view(settings, job)
    limits = LoadLimits(settings.limits.max_bytes, settings.limits.max_pixels,
                        settings.limits.max_pages)
    seen: dict[str, str] = {}
    exclude = [settings.home, settings.migration_reports_dir, *filter(None, [job.register])]
    for source in walk(job.source, settings.inbox.ignore_patterns, exclude=exclude):
        verdict = _judge(source, known, archived, seen, limits)
        row = register.row_for(source.key) if register else None
        yield Verdict(source.key, verdict[0], verdict[1], row.row if row else None)


def unregistered_rows(settings: Settings, job: MigrationJob, paths: set[str]
                      ) -> list[tuple[int, str]]:
    register = _register(settings, job)
    if register is None:
        return []
    return sorted((legacy.row, path) for path, legacy in register.rows.items()
                  if path not in paths)


def _register(settings: Settings, job: MigrationJob) -> Register | None:
    if job.register is None:
        return None
    return read_register(job.register, job.columns(settings), job.source)


def _judge(source: SourceFile, known: dict[str, tuple[int, int]], archived: dict[str, str],
           seen: dict[str, str], limits: LoadLimits) -> tuple[str, str]:
    if source.kind == "ignored":
        return "skip", "ignored name (temporary or hidden)"
    if source.kind == "symlink":
        return "quarantine", "symlink: symbolic links are not followed"
    if known.get(source.key) == source.signature:
        return "skip", "already migrated by an earlier run"
    if source.size == 0:
        return "quarantine", "empty_file: the file is empty"
    digest = _sha256(source)
    if digest in archived:
        return "skip", f"duplicate: already in the archive as document {archived[digest]}"
    if digest in seen:
        return "skip", f"duplicate: same content as {seen[digest]}"
    seen[digest] = source.key
    try:
        load_document(source.path, limits)
    except RejectedInput as exc:
        return "quarantine", f"{exc.code}: {exc}"
    return "take", "readable " + source.path.suffix.lower().lstrip(".")


def _sha256(source: SourceFile) -> str:
    digest = hashlib.sha256()
    with source.path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _archive_view(settings: Settings, job: MigrationJob
                  ) -> tuple[dict[str, tuple[int, int]], dict[str, str]]:
    """(files the job already took, content hashes in the archive); empty
    when there is no database yet."""
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not settings.home.joinpath("dossier.db").exists() \
            and settings.database_url is None:
        return {}, {}
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            known = {} if "migration_files" not in tables else {
                path: (size, mtime) for path, size, mtime in conn.execute(
                    select(MigrationFile.path, MigrationFile.size, MigrationFile.mtime_ns)
                    .where(MigrationFile.job == job.name))}
            archived = {} if "documents" not in tables else {
                sha256: doc_id for sha256, doc_id in conn.execute(
                    select(Document.sha256, Document.id))}
    finally:
        engine.dispose()
    return known, archived
