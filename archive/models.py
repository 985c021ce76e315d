"""The archive's tables (SQLAlchemy 2, typed declarative mapping).

Every document that dossier takes has exactly one `Document` row, keyed by
the SHA-256 of its content; every time a file is taken from an inbox a
`Drop` row records it (so a second drop of the same content is visible as
a duplicate). The extracted record is an `Application`; rule-abiding ones
are linked to a `Customer`; the others wait as a `ReviewItem`. `AuditEntry`
rows form a hash chain (see `archive.audit`).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class DocState(enum.StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    ARCHIVED = "archived"
    REVIEW = "review"
    QUARANTINED = "quarantined"
    FAILED = "failed"
    RETURNED = "returned"  # a reviewer sent the form back to the branch


TERMINAL_STATES = frozenset(
    {DocState.ARCHIVED, DocState.REVIEW, DocState.QUARANTINED, DocState.FAILED,
     DocState.RETURNED}
)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(200), index=True)
    original_name: Mapped[str] = mapped_column(String(500))
    store_key: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), index=True)
    form: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    application: Mapped[Application | None] = relationship(back_populates="document")


class Drop(Base):
    """One file taken from an inbox (the ingestion ledger)."""

    __tablename__ = "drops"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    channel: Mapped[str] = mapped_column(String(200))
    original_name: Mapped[str] = mapped_column(String(500))
    duplicate: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    id_type: Mapped[str] = mapped_column(String(30))
    # HMAC of the normalised ID number (archive.crypto.BlindIndex): finds a
    # returning customer without decrypting anything.
    id_index: Mapped[str] = mapped_column(String(64))
    # AES-256-GCM tokens (archive.records), bound to this row and field.
    id_number_sealed: Mapped[str] = mapped_column(Text)
    name_sealed: Mapped[str | None] = mapped_column(Text)
    # Profile (validators.profile): tier, tags and the initial AML rating.
    tier: Mapped[str | None] = mapped_column(String(30), index=True)
    qualified_investor_candidate: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    risk_rating: Mapped[str | None] = mapped_column(String(10), index=True)
    risk_factors: Mapped[list[Any]] = mapped_column(default=list)
    # onboarding → active: active once the initial rating needs no person.
    lifecycle_stage: Mapped[str] = mapped_column(String(20), default="onboarding")
    # When the relationship ended (retention runs from here); None = open.
    relationship_ended_at: Mapped[datetime | None]
    # A data-subject request or an investigation stops removal (PIPL Art. 47).
    legal_hold: Mapped[bool] = mapped_column(default=False)
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    legal_hold_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_customers_identity", "id_type", "id_index", unique=True),)


class Application(Base):
    """The record extracted from one document, with its decision."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), unique=True)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    form: Mapped[str] = mapped_column(String(50))
    source_kind: Mapped[str] = mapped_column(String(20))
    route: Mapped[str] = mapped_column(String(20))
    values: Mapped[dict[str, Any]]
    confidences: Mapped[dict[str, Any]]
    issues: Mapped[list[Any]]
    raw: Mapped[dict[str, Any]]
    profile: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="application")


class ReviewItem(Base):
    __tablename__ = "review_items"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"))
    reasons: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    # Review workspace (migration 0100): who holds the item and until when,
    # the first of two approvals, the outcome, and the values before any
    # correction (so the approval's audit entry can show before/after).
    lease_holder: Mapped[str | None] = mapped_column(String(36))
    lease_expires: Mapped[datetime | None]
    first_approver: Mapped[str | None] = mapped_column(String(36))
    first_approved_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(36))
    return_reason: Mapped[str | None] = mapped_column(Text)
    original_values: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AuditEntry(Base):
    """Append-only, hash-chained record of every state change."""

    __tablename__ = "audit_entries"
    # The dashboard counts actions per hour over a window (migration 0300).
    __table_args__ = (Index("ix_audit_entries_action_at", "action", "at"),)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # ISO-8601 text, not a datetime column: the hash covers these exact
    # characters, and databases round-trip time zones differently.
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    document_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class User(Base):
    """A person using the review workspace (migration 0100)."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    channels: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A signed-in browser. Only the SHA-256 of the cookie token is kept, so
    a copy of the database does not let anyone sign in."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class MigrationRun(Base):
    """One run of a bulk archive migration job (migration 0200)."""

    __tablename__ = "migration_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    register: Mapped[str | None] = mapped_column(Text)
    # running → finished | interrupted | failed; a `running` row whose
    # heartbeat stopped was killed (SIGKILL, reboot).
    status: Mapped[str] = mapped_column(String(20))
    files_found: Mapped[int] = mapped_column(default=0)
    taken: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    pid: Mapped[int | None]
    host: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class MigrationFile(Base):
    """A source file a migration job has dealt with: what makes a run
    resumable and a second run over the same tree a no-op."""

    __tablename__ = "migration_files"

    job: Mapped[str] = mapped_column(String(200), primary_key=True)
    path: Mapped[str] = mapped_column(String(1000), primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("migration_runs.id"))
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))  # taken | duplicate | rejected
    reason: Mapped[str | None] = mapped_column(Text)
    register_row: Mapped[int | None]
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)


class LegacyRecord(Base):
    """Legacy metadata from a migration register, kept with the document.
    The customer number and notes are sealed like the form's personal values."""

    __tablename__ = "legacy_records"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    job: Mapped[str] = mapped_column(String(200))
    register: Mapped[str] = mapped_column(Text)
    register_row: Mapped[int]
    customer_number_sealed: Mapped[str | None] = mapped_column(Text)
    branch: Mapped[str | None] = mapped_column(String(200))
    account_opened: Mapped[str | None] = mapped_column(String(40))
    notes_sealed: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
