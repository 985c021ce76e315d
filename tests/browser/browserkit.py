"""Shared by the browser tests (a module name of its own: every test folder
has a `conftest`)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from review.context import ReviewContext
from workers.runtime import Runtime


@dataclass
class Workspace:
    url: str
    rt: Runtime
    ctx: ReviewContext
    items: dict[str, str]


def keep_screenshot(path: Path) -> None:
    """A copy for the README (docs/screenshots/), refreshed by each run."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, docs / path.name)
