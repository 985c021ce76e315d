"""Browser tests: Playwright driving Debian's Chromium against a workspace
served from a thread on a free loopback port."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from services import free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "review"))

from browserkit import Workspace, wait_until_up  # noqa: E402
from reviewkit import add_users, make_context, make_item, make_runtime, truth_values  # noqa: E402

from review.serve import serve_in_thread  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    tmp = tmp_path_factory.mktemp("workspace")
    rt = make_runtime(tmp / "home", f"sqlite:///{tmp / 'dossier.db'}")
    ctx = make_context(rt)
    add_users(ctx, ("rev1", "reviewer"), ("rev2", "reviewer"), ("sup1", "supervisor"),
              ("adm", "admin"))
    values = truth_values()
    values["mobile"] = "12345"
    items = {
        "mobile": make_item(rt, tmp, values, low=(), channel="branch-001"),
        "pep": make_item(rt, tmp, sample="review-pep_edd", low=(), channel="branch-002"),
        "held": make_item(rt, tmp, low=("address",), channel="branch-003"),
    }
    port = free_port()
    stop = serve_in_thread(ctx, "127.0.0.1", port)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url)
    yield Workspace(url, rt, ctx, items)
    stop()
    rt.close()




@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        # `make test` installs it: in CI a missing browser is a failure, not a skip.
        missing = "Debian's chromium is not installed (apt-get install -y chromium)"
        pytest.fail(missing) if os.environ.get("CI") else pytest.skip(missing)
    from playwright import sync_api
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
