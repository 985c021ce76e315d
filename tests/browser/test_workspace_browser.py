"""A reviewer's day in a real browser: sign in, queue, claim, correct,
approve, archived; a second reviewer is locked out of a claimed item; a PEP
item needs a supervisor; a reviewer cannot reach the admin pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browserkit import Workspace, keep_screenshot
from browserkit import signed_in as browser_signed_in

from archive.models import Document, ReviewItem

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser
PASSWORD = "correct-horse-battery"


def signed_in(browser: Any, ws: Workspace, name: str) -> Any:
    return browser_signed_in(browser, ws.url, name, PASSWORD)


def state_of(ws: Workspace, item: str) -> tuple[str, str]:
    with ws.ctx.sessions.begin() as s:
        it = s.get(ReviewItem, item)
        assert it is not None
        doc = s.get(Document, it.document_id)
        assert doc is not None
        return it.status, doc.state


def test_a_reviewer_corrects_a_field_and_approves(browser: Any, workspace: Workspace,
                                                   artifacts: Path) -> None:
    item = workspace.items["mobile"]
    page = signed_in(browser, workspace, "rev1")
    assert page.locator(f"tr[data-item='{item}']").count() == 1
    page.screenshot(path=str(artifacts / "queue.png"), full_page=True)
    keep_screenshot(artifacts / "queue.png")
    page.click(f"tr[data-item='{item}'] a.open")
    page.wait_for_selector("#lease:has-text('held by you')")
    page.wait_for_load_state("networkidle")
    box = page.locator(".pages img").first.bounding_box()
    assert box is not None and box["height"] > 300  # the scan is shown
    # The flagged field has the focus: type the value, Enter saves it.
    expect(page.locator("#in-mobile")).to_be_focused()
    page.screenshot(path=str(artifacts / "item.png"))
    keep_screenshot(artifacts / "item.png")
    page.keyboard.type("13837680477")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash:has-text('mobile saved')")
    assert "mobile_invalid" not in page.inner_text("#f-mobile")
    page.keyboard.press("Alt+a")
    page.wait_for_selector(".flash:has-text('archived')")
    assert state_of(workspace, item) == ("approved", "archived")
    page.context.close()


def test_a_second_reviewer_cannot_act_on_a_claimed_item(browser: Any,
                                                        workspace: Workspace) -> None:
    item = workspace.items["held"]
    first = signed_in(browser, workspace, "rev1")
    first.goto(f"{workspace.url}/items/{item}")
    first.wait_for_selector("#lease:has-text('held by you')")
    second = signed_in(browser, workspace, "rev2")
    assert "rev1" in second.inner_text(f"tr[data-item='{item}']")
    second.goto(f"{workspace.url}/items/{item}")
    assert "held by rev1" in second.inner_text("#lease")
    assert second.locator("#approve").count() == 0 and second.locator(".edit input").count() == 0
    # Even a hand-made request is refused: the lease is the server's.
    csrf = second.get_attribute("meta[name=csrf-token]", "content")
    response = second.request.post(f"{workspace.url}/api/items/{item}/approve",
                                   headers={"X-CSRF-Token": csrf}, data="{}")
    assert response.status == 409
    assert state_of(workspace, item)[0] == "open"
    first.context.close()
    second.context.close()


def test_a_pep_item_needs_a_supervisor(browser: Any, workspace: Workspace) -> None:
    item = workspace.items["pep"]
    reviewer = signed_in(browser, workspace, "rev2")
    reviewer.goto(f"{workspace.url}/items/{item}")
    assert "four-eyes" in reviewer.inner_text(".state")
    reviewer.click("#approve")
    reviewer.wait_for_selector(".flash:has-text('sent for second approval')")
    assert state_of(workspace, item) == ("awaiting_second", "review")
    reviewer.goto(f"{workspace.url}/items/{item}")  # a reviewer cannot give the second one
    assert reviewer.locator("#approve").count() == 0
    reviewer.context.close()
    supervisor = signed_in(browser, workspace, "sup1")
    supervisor.goto(f"{workspace.url}/queue?status=awaiting_second")
    supervisor.click(f"tr[data-item='{item}'] a.open")
    supervisor.click("#approve")
    supervisor.wait_for_selector(".flash:has-text('archived')")
    assert state_of(workspace, item) == ("approved", "archived")
    supervisor.context.close()


def test_a_reviewer_cannot_reach_admin_pages(browser: Any, workspace: Workspace) -> None:
    page = signed_in(browser, workspace, "rev2")
    response = page.goto(f"{workspace.url}/admin/users")
    assert response.status == 403
    assert page.locator("nav a[href='/admin/users']").count() == 0
    page.context.close()
