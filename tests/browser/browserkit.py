"""Shared by the browser tests (a module name of its own: every test folder
has a `conftest`)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

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


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/login", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the workspace did not start")


def signed_in(browser: Any, url: str, name: str, password: str) -> Any:
    """A fresh browser context signed in as `name`, on the queue page."""
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/queue*")
    return page
