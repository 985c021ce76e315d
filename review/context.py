"""What the review services need, built by the composition root.

review/ does not import workers/: the CLI (or `dossier run`) builds this
from its `Runtime` and hands it over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from archive.records import Sealer
from extractors.template import FormTemplate
from extractors.types import Box
from review.settings import ReviewSettings
from validators.policy import FormPolicy


@dataclass(frozen=True)
class FormView:
    """One form as the workspace shows it: its rules and where each field
    sits on the page (300-dpi pixels of the blank form)."""

    policy: FormPolicy
    zones: dict[str, Box]
    width: int
    height: int
    # The blank and its registration marks: zones are cut from the page as
    # the extractor registered it (None: cut from the page scaled to size).
    template: FormTemplate | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ReviewContext:
    sessions: sessionmaker[Session]
    # The stored file decrypted in memory, for rendering (never to disk).
    read_stored: Callable[[str], bytes]
    sealer: Sealer
    forms: dict[str, FormView]
    settings: ReviewSettings
    today: Callable[[], dt.date] = field(default=dt.date.today)
    now: Callable[[], datetime] = field(default=utc_now)
    # Where worker processes on this host keep their Prometheus files
    # (`workers.metrics`); None: only this process's own metrics.
    metrics_dir: Path | None = None

    def form(self, name: str | None) -> FormView | None:
        return self.forms.get(name or "")


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything dossier writes is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
