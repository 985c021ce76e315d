"""A supervisor's dashboard in a real browser: every chart is drawn, and
what it draws adds up to a direct count of the database; a reviewer is
refused. The screenshot goes to docs/screenshots/dashboard.png."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dashkit
import pytest
from browserkit import Workspace, keep_screenshot, signed_in, wait_until_up
from reviewkit import PASSWORD, add_users, make_context, make_runtime
from services import free_port

from review.dashboard import CHARTS
from review.serve import serve_in_thread

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seeded_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    tmp = tmp_path_factory.mktemp("dashboard")
    rt = make_runtime(tmp / "home", f"sqlite:///{tmp / 'dossier.db'}")
    ctx = make_context(rt)
    add_users(ctx, ("sup1", "supervisor"), ("rev1", "reviewer"), ("rev2", "reviewer"))
    dashkit.seed(rt, ctx, tmp)
    port = free_port()
    stop = serve_in_thread(ctx, "127.0.0.1", port)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url)
    yield Workspace(url, rt, ctx, {})
    stop()
    rt.close()




def sign_in(browser: Any, ws: Workspace, name: str) -> Any:
    return signed_in(browser, ws.url, name, PASSWORD)


def database_counts(ws: Workspace) -> dict[str, int]:
    """What each chart must add up to, counted straight from the tables."""
    with ws.ctx.sessions.begin() as s:
        since = ws.ctx.now() - timedelta(days=1)
        customers = dashkit.current_customers(s)
        return {
            "documents_per_hour": dashkit.decisions_since(s, since, *dashkit.PIPELINE_DECISIONS),
            "straight_through": dashkit.decisions_since(s, since, "archived", "review"),
            "review_backlog": dashkit.waiting_items(s),
            "review_reasons": dashkit.reason_occurrences(s),
            "reviewer_throughput": dashkit.reviewer_decisions(s),
            "migration_progress": dashkit.migration_documents(s),
            "customer_tiers": customers,
            "customer_risk": customers,
            "new_customers": dashkit.new_customers_since(s, since),
            "customer_age_bands": customers,
            "customer_tax_residency": customers,
        }


def test_a_supervisor_sees_every_chart_add_up_to_the_database(
        browser: Any, seeded_workspace: Workspace, artifacts: Path) -> None:
    ws = seeded_workspace
    expected = database_counts(ws)
    assert set(expected) == set(CHARTS) and min(expected.values()) > 0
    page = sign_in(browser, ws, "sup1")
    page.goto(f"{ws.url}/dashboard")
    expect(page.locator("figure.chart[data-ready]")).to_have_count(len(CHARTS))
    assert page.locator("figure.chart[data-error]").count() == 0
    for name, count in expected.items():
        figure = page.locator(f"#chart-{name}")
        assert int(figure.get_attribute("data-total")) == count, name
        if name == "straight_through":  # a rate: one point per day with decisions
            assert figure.locator("circle.point").count() == int(figure.get_attribute("data-drawn"))
            continue
        values = figure.locator("rect.bar").evaluate_all(
            "bars => bars.map(b => Number(b.dataset.value))")
        assert sum(values) == count, name
    rate = page.locator("#chart-straight_through circle.point").last.get_attribute("data-value")
    with ws.ctx.sessions.begin() as s:
        since = ws.ctx.now() - timedelta(days=1)
        archived = dashkit.decisions_since(s, since, "archived")
    assert float(rate) == round(100 * archived / expected["straight_through"], 1)
    assert page.locator("#chart-review_backlog text.late").count() == 2  # the SLA is marked
    csv = page.request.get(f"{ws.url}/api/dashboard/charts/migration_progress?format=csv")
    assert csv.ok and csv.text().startswith("migration_progress,")
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)
    keep_screenshot(artifacts / "dashboard.png")
    page.context.close()


def test_a_reviewer_is_refused_the_dashboard(browser: Any,
                                             seeded_workspace: Workspace) -> None:
    ws = seeded_workspace
    page = sign_in(browser, ws, "rev1")
    assert page.locator("nav a[href='/dashboard']").count() == 0
    assert page.goto(f"{ws.url}/dashboard").status == 403
    assert page.request.get(f"{ws.url}/api/dashboard/charts/customer_tiers").status == 403
    page.context.close()
