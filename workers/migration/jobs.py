"""Migration jobs: one from the command line, or those declared in
`migration.jobs_file` (config/migrations.yaml) for `dossier scheduler`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from apscheduler.triggers.cron import CronTrigger

from archive.migration_state import CHANNEL_PREFIX
from config.errors import ConfigurationError
from config.settings import Settings

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


@dataclass(frozen=True)
class MigrationJob:
    name: str
    source: Path
    register: Path | None = None
    rate_per_minute: float | None = None
    register_columns: Mapping[str, str] | None = None  # None: the settings' mapping
    cron: str | None = None

    @property
    def channel(self) -> str:
        """The dashboard's migration chart selects documents by this prefix."""
        return CHANNEL_PREFIX + self.name

    def columns(self, settings: Settings) -> Mapping[str, str]:
        return self.register_columns or settings.migration.register_columns


def job_name(source: Path, channel: str | None) -> str:
    """--channel NAME, else the source folder's name."""
    name = (channel or source.resolve().name).removeprefix(CHANNEL_PREFIX)
    if not name or not set(name) <= _NAME_CHARS:
        raise ConfigurationError(f"job name {name!r}: use letters, digits, '-', '_' and '.' "
                                 "(give one with --channel)", code="job_name")
    return name


def parse_rate(text: str | None) -> float | None:
    """`--rate 120`, `120/min` or `2/s` → files per minute."""
    if text is None:
        return None
    number, _, unit = text.strip().partition("/")
    factor = {"": 1.0, "min": 1.0, "m": 1.0, "s": 60.0, "h": 1 / 60}.get(unit.strip())
    try:
        rate = float(number) * factor if factor is not None else -1.0
    except ValueError:
        rate = -1.0
    if rate <= 0:
        raise ConfigurationError(f"--rate {text!r}: give files per minute, e.g. 120 or 120/min",
                                 code="rate")
    return rate


def load_jobs(path: Path) -> list[MigrationJob]:
    """The declared jobs; an invalid file stops the command with its name."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc
    data = data or {}
    default_columns = data.get("register_columns")
    jobs = [_job(entry, default_columns, path) for entry in data.get("jobs") or []]
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"{path}: job names must be unique ({', '.join(names)})")
    return jobs


def find_job(path: Path, name: str) -> MigrationJob:
    for job in load_jobs(path):
        if job.name == name:
            return job
    raise ConfigurationError(f"no migration job {name!r} in {path}", code="job_unknown")


def _job(entry: Any, default_columns: Any, path: Path) -> MigrationJob:
    if not isinstance(entry, dict) or not entry.get("name") or not entry.get("source"):
        raise ConfigurationError(f"{path}: every job needs a name and a source: {entry!r}")
    cron = entry.get("cron")
    if cron is not None:
        _check_cron(str(cron), path)
    register = entry.get("register")
    rate = entry.get("rate")
    return MigrationJob(
        name=job_name(Path(str(entry["source"])), str(entry["name"])),
        source=Path(str(entry["source"])), register=Path(str(register)) if register else None,
        rate_per_minute=parse_rate(str(rate)) if rate is not None else None,
        register_columns=entry.get("register_columns") or default_columns,
        cron=str(cron) if cron is not None else None)


def _check_cron(expression: str, path: Path) -> None:
    try:
        CronTrigger.from_crontab(expression)
    except ValueError as exc:
        raise ConfigurationError(f"{path}: cron {expression!r}: {exc}") from exc
