"""One settings model for the whole installation.

Precedence, highest first: explicit keyword arguments (tests, CLI flags),
environment variables with the `DOSSIER_` prefix (nested sections with
`__`, e.g. `DOSSIER_INBOX__STABLE_SECONDS=5`), a `.env` file, defaults.
Settings are read once at the composition root (`workers/`) and handed down
as small frozen slices; no other module reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

FORMS_DIR = Path(__file__).resolve().parent / "forms"
MIGRATION_JOBS_FILE = Path(__file__).resolve().parent / "migrations.yaml"


class _Slice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InboxSettings(_Slice):
    """How the watcher decides a dropped file is complete."""

    stable_seconds: float = Field(2.0, ge=0, description="size+mtime unchanged this long")
    rescan_seconds: float = Field(5.0, gt=0, description="periodic full rescan")
    polling: bool = Field(False, description="poll instead of OS events (network shares)")
    ignore_patterns: tuple[str, ...] = ("*.part", "*.tmp", "*.crdownload", "~$*", ".*")


class LimitSettings(_Slice):
    """Safety limits on one input document."""

    max_bytes: int = Field(100 * 1024 * 1024, gt=0)
    max_pixels: int = Field(60_000_000, gt=0)
    max_pages: int = Field(50, gt=0)
    seconds_per_document: int = Field(
        300, gt=0, description="one document's whole extraction; beyond it the OCR is stopped "
        "and the document retried, then failed")
    memory_mb: int = Field(
        4096, ge=0, description="address-space limit of each worker process (0 = none); a "
        "document that needs more fails instead of starving its neighbours")
    min_free_disk_mb: int = Field(512, ge=0, description="health: free space needed under home")


class WorkerSettings(_Slice):
    """Dramatiq worker knobs."""

    processes: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    threads: int = Field(1, ge=1)
    max_retries: int = Field(5, ge=0)
    min_backoff_ms: int = Field(1_000, ge=0)
    max_backoff_ms: int = Field(300_000, ge=0)
    ocr_timeout_seconds: int = Field(60, gt=0)
    heartbeat_timeout_seconds: float = Field(
        60.0, gt=0, description="Redis: a worker silent this long is dead and its unacked "
        "messages go back to the queue")
    maintenance_chance: int = Field(
        1000, ge=1, le=1_000_000, description="Redis: per million broker commands, how often "
        "a worker looks for dead workers' messages (Dramatiq's default is 1000)")
    redrive_after_seconds: float = Field(
        900.0, gt=0, description="a document unfinished this long is sent again (a message "
        "lost with a Redis restart); processing is idempotent, so a spare message is harmless")


class ReviewSettings(_Slice):
    """The review workspace (`DOSSIER_REVIEW__…`)."""

    with_run: bool = Field(True, description="`dossier run` serves the workspace too")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    lease_minutes: float = Field(10.0, gt=0, description="an opened item is held this long")
    idle_minutes: float = Field(30.0, gt=0, description="sign out after this much inactivity")
    session_hours: float = Field(12.0, gt=0, description="sign out after this long in any case")
    sla_hours: float = Field(24.0, gt=0, description="an item older than this is late")
    # None: Secure cookies exactly when the request came over HTTPS (a
    # browser refuses them over http://127.0.0.1 otherwise).
    secure_cookies: bool | None = None
    login_attempts: int = Field(5, ge=1, description="failures allowed per window")
    login_window_seconds: float = Field(300.0, gt=0)
    page_size: int = Field(50, ge=1, le=500)


class MigrationSettings(_Slice):
    """Bulk archive migration (`dossier migrate`, `dossier scheduler`)."""

    jobs_file: Path = Field(MIGRATION_JOBS_FILE, description="declared migration jobs")
    in_flight: int = Field(
        8, ge=1, description="migration documents queued or in work at once: the feeder "
        "waits below this, so live inbox traffic never queues behind a back catalogue")
    defer_seconds: float = Field(
        2.0, gt=0, description="a migration message that meets live files waiting is put "
        "back for this long")
    live_wait_seconds: float = Field(
        300.0, gt=0, description="a live document waiting longer than this is presumed to "
        "have no worker (it is re-driven by the sweep) and no longer holds migration back")
    register_columns: dict[str, str] = Field(
        default_factory=lambda: {
            "path": "path", "customer_number": "legacy_customer_number",
            "branch": "branch", "account_opened": "account_opened", "notes": "notes"},
        description="register field → column heading in the CSV/xlsx register")


class MetricsSettings(_Slice):
    """Prometheus metrics (`DOSSIER_METRICS__…`). The workspace serves
    `/metrics`; `dossier worker` also serves Dramatiq's queue metrics."""

    dramatiq: bool = Field(True, description="`dossier worker` adds Dramatiq's Prometheus "
                           "middleware and its exposition server")
    dramatiq_host: str = Field("127.0.0.1", description="where Dramatiq's exposition "
                               "server listens (its own default would be 0.0.0.0)")
    dramatiq_port: int = Field(9191, ge=1, le=65535)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DOSSIER_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
    )

    home: Path = Field(Path("var"), description="all state lives here")
    database_url: str | None = Field(None, description="default: SQLite under home")
    broker_url: str | None = Field(None, description="unset = embedded; redis://… = Redis")
    broker_namespace: str = Field("dossier", description="Redis key prefix of the queues")
    retention_years: int = Field(
        10, ge=1, description="customer records are kept this long after the relationship "
        "ends (AML Law: at least 10)")
    key_file: Path | None = Field(
        None, description="encryption keys; default $DOSSIER_HOME/keys/dossier.keys, created "
        "on first start. Keep it out of backups of the home folder.")
    forms_dir: Path = Field(FORMS_DIR, description="form templates and rules")
    default_form: str = "KYC-P01"
    ocr_backend: Literal["library", "command"] = Field(
        "library", description="library: libtesseract in the worker process (tesserocr), "
        "models loaded once; command: a `tesseract` process per field (slower, the fallback)")
    tesseract_cmd: str = Field("tesseract", description="binary for ocr_backend=command")
    tessdata_dir: str = Field("/usr/share/tesseract-ocr/5/tessdata",
                              description="language data for ocr_backend=library")
    log_level: str = "INFO"
    inbox: InboxSettings = InboxSettings()
    limits: LimitSettings = LimitSettings()
    worker: WorkerSettings = WorkerSettings()
    review: ReviewSettings = ReviewSettings()
    metrics: MetricsSettings = MetricsSettings()
    migration: MigrationSettings = MigrationSettings()

    @property
    def inbox_dir(self) -> Path:
        return self.home / "inbox"

    @property
    def store_dir(self) -> Path:
        return self.home / "store"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def metrics_dir(self) -> Path:
        """Prometheus multiprocess files of the worker processes on this host."""
        return self.home / "metrics"

    @property
    def watcher_status_file(self) -> Path:
        """What the watcher could not take, and its heartbeat (`dossier status`)."""
        return self.home / "watcher-status.json"

    @property
    def migration_reports_dir(self) -> Path:
        return self.home / "migration-reports"

    @property
    def scheduler_status_file(self) -> Path:
        """The scheduler's next runs and last results (`dossier status`)."""
        return self.home / "scheduler-status.json"

    @property
    def audit_checkpoint_file(self) -> Path:
        return self.home / "audit" / "head.json"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.home / "keys" / "dossier.keys"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'dossier.db').resolve()}"
