"""One settings model for the whole installation.

Precedence, highest first: explicit keyword arguments (tests, CLI flags),
environment variables with the `DOSSIER_` prefix (nested sections with
`__`, e.g. `DOSSIER_INBOX__STABLE_SECONDS=5`), a `.env` file, defaults.
Settings are read once at the composition root (`workers/`) and handed down
as small frozen slices; no other module reads the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

FORMS_DIR = Path(__file__).resolve().parent / "forms"


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
    seconds_per_document: int = Field(300, gt=0)


class WorkerSettings(_Slice):
    """Dramatiq worker knobs."""

    processes: int = Field(1, ge=1)
    threads: int = Field(1, ge=1)
    max_retries: int = Field(5, ge=0)
    min_backoff_ms: int = Field(1_000, ge=0)
    max_backoff_ms: int = Field(300_000, ge=0)
    ocr_timeout_seconds: int = Field(60, gt=0)


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
    forms_dir: Path = Field(FORMS_DIR, description="form templates and rules")
    default_form: str = "KYC-P01"
    tesseract_cmd: str = "tesseract"
    log_level: str = "INFO"
    inbox: InboxSettings = InboxSettings()
    limits: LimitSettings = LimitSettings()
    worker: WorkerSettings = WorkerSettings()

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
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'dossier.db').resolve()}"
